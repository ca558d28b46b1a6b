import fp from 'fastify-plugin'
import { badRequest } from '../errors.js'
import { describe } from '../options.js'

// Cheap pre-check: only bodies that could spell a forbidden key pay for the reviver.
const SUSPICIOUS = /proto|constructor|\\u/

function rejectForbiddenKeys (key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor') {
    throw badRequest(`Request body must not contain the key ${JSON.stringify(key)}`)
  }
  return value
}

/** The JSON parser, replacing Fastify's so that each failure names its problem. */
export default fp(async function jsonBodyPlugin (app) {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(badRequest('Request body is empty: send a JSON object'), undefined)
    let value: unknown
    try {
      value = JSON.parse(text, SUSPICIOUS.test(text) ? rejectForbiddenKeys : undefined)
    } catch (error) {
      if (error instanceof SyntaxError) return done(badRequest(`Request body is not valid JSON: ${error.message}`), undefined)
      return done(error as Error, undefined)
    }
    // Every body of the contract is an object; say so before the schema sees anything else.
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return done(badRequest(`The request body must be a JSON object, not ${describe(value)}`), undefined)
    }
    done(null, value)
  })
}, { name: 'json-body' })
