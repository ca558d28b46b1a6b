import { isUtf8 } from 'node:buffer'
import fp from 'fastify-plugin'
import { errorCodes } from 'fastify'
import { badRequest } from '../errors.js'
import { describe } from '../options.js'

// Cheap pre-check: only bodies that could spell a forbidden key pay for the walk.
const SUSPICIOUS = /proto|constructor|\\u/

// A loop, not a reviver: a reviver recurses, and a 5 KiB body nested 2,700 deep overflowed the stack (a 500).
function forbiddenKey (value: unknown): string | undefined {
  const pending = [value]
  while (pending.length > 0) {
    const item = pending.pop()
    if (typeof item !== 'object' || item === null) continue
    for (const [key, child] of Object.entries(item)) {
      if (key === '__proto__' || key === 'constructor') return key
      pending.push(child)
    }
  }
  return undefined
}

const NO_BODY = 'This operation takes no request body'

/** The JSON parser, replacing Fastify's so that each failure names its problem. */
export default fp(async function jsonBodyPlugin (app) {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // JSON is UTF-8 (RFC 8259): another charset, or bytes that are not UTF-8, would be stored as something else than was sent.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return done(badRequest(`Content-Type charset must be utf-8 (got ${JSON.stringify(charset)})`), undefined)
    if (!isUtf8(body as Buffer)) return done(badRequest('Request body is not valid UTF-8'), undefined)
    const text = (body as Buffer).toString('utf8')
    // Clients often send the JSON content type on a GET, DELETE or regenerate too: empty is fine, content is not.
    if (request.routeOptions.schema?.body === undefined && !request.is404) {
      return text.trim() === '' ? done(null, undefined) : done(badRequest(NO_BODY), undefined)
    }
    if (text.trim() === '') return done(badRequest('Request body is empty: send a JSON object'), undefined)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      if (error instanceof SyntaxError) return done(badRequest(`Request body is not valid JSON: ${error.message}`), undefined)
      return done(error as Error, undefined)
    }
    // JSON.parse makes "__proto__" an own key, never the prototype, so the check can follow the parse.
    const forbidden = SUSPICIOUS.test(text) ? forbiddenKey(value) : undefined
    if (forbidden !== undefined) return done(badRequest(`Request body must not contain the key ${JSON.stringify(forbidden)}`), undefined)
    // Every body of the contract is an object; say so before the schema sees anything else.
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return done(badRequest(`The request body must be a JSON object, not ${describe(value)}`), undefined)
    }
    done(null, value)
  })

  // An empty POST or DELETE often carries another type (curl -d '' and Java send a form type, fetch text/plain):
  // an operation without a body accepts it empty; for the others only JSON is a body, as before.
  app.addContentTypeParser('*', (request, payload, done) => {
    if (request.routeOptions.schema?.body !== undefined || request.is404) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined)
    let settled = false
    const settle = (error: Error | null): void => {
      if (settled) return
      settled = true
      done(error, undefined)
    }
    // The first byte decides; the error answer closes the connection, so the rest need not be read.
    payload.on('data', (chunk: Buffer) => { if (chunk.length > 0) settle(badRequest(NO_BODY)) })
    payload.on('end', () => settle(null))
    payload.on('error', settle)
  })
}, { name: 'json-body' })
