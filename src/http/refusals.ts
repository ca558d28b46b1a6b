// The one table from a refusal to the contract's answer (status, body, WWW-Authenticate), as Fastify core keeps one
// table of its errors. Every 4xx the server sends comes from here.
import { Type } from '@sinclair/typebox'
import type { FastifyBaseLogger } from 'fastify'
import { badInput, type Outcome, type Refusal } from '../domain/refusal.js'

export const REALM = 'Bearer realm="basic-admin"'
/** The media type of every JSON answer, as RFC 8259 registers it: no charset parameter (JSON is UTF-8). */
export const JSON_TYPE = 'application/json'

export interface Answer {
  statusCode: 400 | 401 | 404
  body: { error: string, message?: string }
  headers: Record<string, string>
}

// Every kind of bad token gets these exact bytes: nothing tells a revoked key from a forged JWT.
const MISSING: Answer = {
  statusCode: 401,
  body: { error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token>' },
  headers: { 'www-authenticate': REALM }
}
const INVALID: Answer = {
  statusCode: 401,
  body: { error: 'Unauthorized', message: 'The bearer token is invalid, expired or revoked' },
  headers: { 'www-authenticate': `${REALM}, error="invalid_token"` }
}
const SCOPE: Answer = {
  statusCode: 401,
  body: { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' },
  headers: { 'www-authenticate': `${REALM}, error="insufficient_scope"` }
}
// The same body for a missing key, a key of another project and a project the caller may not see.
const NOT_FOUND: Answer = { statusCode: 404, body: { error: 'API key not found' }, headers: {} }

/** How the HTTP API names an input whose name differs from the operation's. */
const FIELD_NAMES: Record<string, string> = { expiresIn: 'expires_in' }

export function answerFor (refusal: Refusal): Answer {
  switch (refusal.kind) {
    case 'missing-credentials': return MISSING
    case 'unknown-credential': return INVALID
    case 'insufficient-scope': return SCOPE
    case 'not-visible': return NOT_FOUND
    case 'bad-input': {
      const message = refusal.field === undefined ? refusal.message : `${JSON.stringify(FIELD_NAMES[refusal.field] ?? refusal.field)} ${refusal.message}`
      return { statusCode: 400, body: { error: 'Bad Request', message }, headers: {} }
    }
  }
}

/** A refusal thrown out of a hook, parser or handler, for the one error handler (src/plugins/errors.ts) to answer. */
export class Refused extends Error {
  constructor (readonly refusal: Refusal) {
    super(refusal.kind)
  }
}

/** A 400 of the HTTP layer itself (the wire, the content type, the JSON), under the rule that refused it. */
export const badRequest = (rule: string, message: string): Refused => new Refused(badInput(rule, undefined, message))

export const routeNotFound = (request: { method: string, url: string }) =>
  ({ error: 'Not Found', message: `Route ${request.method} ${request.url.split('?')[0]} not found` })

export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String() })
export const INTERNAL_ERROR = { error: 'Internal Server Error', message: 'Internal Server Error' }

/**
 * The value of an operation's outcome, or its refusal thrown for the error handler to answer. A read's failed
 * bookkeeping (last_used on a full disk) is logged under the request; the answer stands, as it was decided.
 */
export function valueOf<T> (outcome: Outcome<T>, log?: FastifyBaseLogger): T {
  if (!outcome.ok) throw new Refused(outcome.refusal)
  if (outcome.unrecorded !== undefined) log?.error({ err: outcome.unrecorded }, 'last_used not recorded')
  return outcome.value
}
