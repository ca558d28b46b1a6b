import { Type } from '@sinclair/typebox'

export const REALM = 'Bearer realm="basic-admin"'

/** An answer the contract allows, thrown from hooks and handlers, sent by the one error handler. */
export class HttpError extends Error {
  constructor (
    readonly statusCode: 400 | 401 | 404,
    readonly body: { error: string, message?: string },
    readonly headers: Record<string, string> = {}
  ) {
    super(body.message ?? body.error)
  }
}

export const badRequest = (message: string): HttpError =>
  new HttpError(400, { error: 'Bad Request', message })

// Every kind of bad token gets these exact bytes: nothing tells a revoked key from a forged JWT.
export const missingCredentials = (): HttpError => new HttpError(401,
  { error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token>' },
  { 'www-authenticate': REALM })
export const invalidToken = (): HttpError => new HttpError(401,
  { error: 'Unauthorized', message: 'The bearer token is invalid, expired or revoked' },
  { 'www-authenticate': `${REALM}, error="invalid_token"` })
export const insufficientScope = (): HttpError => new HttpError(401,
  { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' },
  { 'www-authenticate': `${REALM}, error="insufficient_scope"` })

// The same body for a missing key, a key of another project and a project the caller may not see.
export const keyNotFound = (): HttpError => new HttpError(404, { error: 'API key not found' })

export const routeNotFound = (request: { method: string, url: string }) =>
  ({ error: 'Not Found', message: `Route ${request.method} ${request.url.split('?')[0]} not found` })

export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String() })
export const INTERNAL_ERROR = { error: 'Internal Server Error', message: 'Internal Server Error' }
