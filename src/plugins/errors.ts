// The one error handler: the contract's answer for every refusal (src/http/refusals.ts), a bare 500 for a fault
// (details logged under the request id, never sent). Each refusal logs why at info, in words the client never sees.
import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { answerNoRoute } from '../http/no-route.js'
import { badRequest, INTERNAL_ERROR, Refused, answerFor } from '../http/refusals.js'
import { BODY_LIMIT } from '../http/options.js'
import type { Redactor } from '../domain/redact.js'
import type { Refusal } from '../domain/refusal.js'
import { NamespaceDroppedError } from '../domain/namespace.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The refusal this request was answered with, for the coverage count (src/plugins/coverage.ts). */
    refusal: Refusal | null
  }
}

// Fastify's own transport errors, reworded as the contract's 400 (the JSON parser of plugins/json-body.ts words its own).
function fromFastify (error: FastifyError, bodyLimit: number): Refused | undefined {
  if (error instanceof Refused) return error
  // Work given to a namespace whose drop had begun (src/world.ts): a 400 saying so, not a fault of the server.
  if (error instanceof NamespaceDroppedError) return badRequest('namespace-dropped', error.message)
  if (error.validation !== undefined) return badRequest((error as { rule?: string }).rule ?? 'schema', error.message)
  // The route's own limit: the control plane's fixtures take 1 MiB.
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return badRequest('body-too-large', `Request body is larger than ${bodyLimit} bytes`)
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return badRequest('content-type', 'Content-Type must be application/json')
  // Any other client error Fastify raises (bad Content-Length, aborted body...) is a 400 too.
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return badRequest('transport', error.message)
  return undefined
}

const MESSAGES: Record<Refusal['kind'], string> = {
  'missing-credentials': 'no bearer credentials',
  'unknown-credential': 'bearer token refused',
  'insufficient-scope': 'credential may not manage this project',
  'not-visible': 'not found',
  'bad-input': 'bad request'
}

/** Why a refusal was answered, for the log line: the reason or the rule, with what the client wrote blanked. */
function why (refusal: Refusal, redact: Redactor): Record<string, string> {
  if (refusal.kind === 'bad-input') return { rule: refusal.rule, reason: redact.text(refusal.message) }
  return 'reason' in refusal ? { reason: refusal.reason } : {}
}

export default fp<{ redact: Redactor }>(async function errorsPlugin (app, options) {
  app.decorateRequest('refusal', null)
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refused = fromFastify(error, request.routeOptions.bodyLimit ?? BODY_LIMIT)
    if (refused === undefined) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send(INTERNAL_ERROR)
    }
    // Fastify parses the body even for a route that does not exist; the route's absence is the answer.
    if (request.is404) return answerNoRoute(request, reply)
    request.log.info(why(refused.refusal, options.redact), MESSAGES[refused.refusal.kind])
    request.refusal = refused.refusal
    const answer = answerFor(refused.refusal)
    return reply.code(answer.statusCode).headers(answer.headers).send(answer.body)
  })

  app.setNotFoundHandler(answerNoRoute)
}, { name: 'errors' })
