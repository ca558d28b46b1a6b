// The body parsers, replacing Fastify's so that each refusal names its problem (docs/api.md, "Request bodies"): JSON only, in
// UTF-8, uncompressed, an object, and nothing at all for the operations that take no body.
import { isUtf8 } from 'node:buffer'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { badRequest, type Refused } from '../http/refusals.js'
import { describe } from '../http/schema-errors.js'

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

/** What no parser accepts, whatever the type: a compressed body (it would be read as if plain), and several charsets. */
function transportRefusal (request: FastifyRequest): Refused | undefined {
  const coding = request.headers['content-encoding']
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
    return badRequest('content-encoding', `Content-Encoding ${coding} is not supported: send the body uncompressed`)
  }
  const charsets = (request.headers['content-type'] ?? '').match(/;\s*charset\s*=/gi)?.length ?? 0
  if (charsets > 1) return badRequest('charset', `Content-Type must name one charset, utf-8 (got ${charsets})`)
  return undefined
}

const takesBody = (request: FastifyRequest): boolean => request.routeOptions.schema?.body !== undefined || request.is404

/** For an operation without a body: nothing, or only blanks (clients often send a type with an empty body), under any type. */
function noBody (body: Buffer): Refused | undefined {
  return body.toString('utf8').trim() === '' ? undefined : badRequest('no-body', NO_BODY)
}

export default fp(async function jsonBodyPlugin (app) {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    const body = raw as Buffer
    const refusal = transportRefusal(request)
    if (refusal !== undefined) return done(refusal, undefined)
    // JSON is UTF-8 (RFC 8259): another charset, or bytes that are not UTF-8, would be stored as something else than was sent.
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) return done(badRequest('charset', `Content-Type charset must be utf-8 (got ${JSON.stringify(charset)})`), undefined)
    if (!takesBody(request)) return done(noBody(body) ?? null, undefined)
    if (!isUtf8(body)) return done(badRequest('utf-8', 'Request body is not valid UTF-8'), undefined)
    const text = body.toString('utf8')
    if (text.trim() === '') return done(badRequest('empty-body', 'Request body is empty: send a JSON object'), undefined)
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      if (error instanceof SyntaxError) return done(badRequest('json', `Request body is not valid JSON: ${error.message}`), undefined)
      return done(error as Error, undefined)
    }
    // JSON.parse makes "__proto__" an own key, never the prototype, so the check can follow the parse.
    const forbidden = SUSPICIOUS.test(text) ? forbiddenKey(value) : undefined
    if (forbidden !== undefined) return done(badRequest('forbidden-key', `Request body must not contain the key ${JSON.stringify(forbidden)}`), undefined)
    // Every body of the contract is an object; say so before the schema sees anything else.
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return done(badRequest('not-an-object', `The request body must be a JSON object, not ${describe(value)}`), undefined)
    }
    done(null, value)
  })

  // An empty POST or DELETE often carries another type (curl -d '' and Java send a form type, fetch text/plain):
  // an operation without a body accepts it empty or blank; for the others only JSON is a body. Read as a stream:
  // the first byte that is not a blank decides, and the refusal closes the connection, so the rest is never read.
  app.addContentTypeParser('*', (request, payload, done) => {
    const refusal = transportRefusal(request) ?? (takesBody(request) ? badRequest('content-type', 'Content-Type must be application/json') : undefined)
    if (refusal !== undefined) return done(refusal, undefined)
    let settled = false
    const settle = (error: Error | null): void => {
      if (settled) return
      settled = true
      done(error, undefined)
    }
    payload.on('data', (chunk: Buffer) => {
      const refused = noBody(chunk)
      if (refused !== undefined) settle(refused)
    })
    payload.on('end', () => settle(null))
    payload.on('error', settle)
  })
}, { name: 'json-body' })
