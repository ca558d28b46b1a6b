import fp from 'fastify-plugin'
import type { FastifyError } from 'fastify'
import { badRequest, HttpError, INTERNAL_ERROR, routeNotFound } from '../errors.js'
import { BODY_LIMIT } from '../options.js'
import { scrub } from '../services/journal.js'

// Fastify's own transport errors, reworded and answered as the contract's 400
// (the JSON parser of plugins/json-body.ts words its own).
const TRANSPORT_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Content-Type must be application/json'
}

function toHttpError (error: FastifyError, bodyLimit: number): HttpError | undefined {
  if (error instanceof HttpError) return error
  if (error.validation !== undefined) return badRequest(error.message)
  // The route's own limit: the control plane's fixtures take 1 MiB.
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return badRequest(`Request body is larger than ${bodyLimit} bytes`)
  const message = TRANSPORT_MESSAGES[error.code]
  if (message !== undefined) return badRequest(message)
  // Any other client error Fastify raises (bad Content-Length, aborted body...) is a 400 too.
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return badRequest(error.message)
  return undefined
}

/** The one error handler: contract shapes for client errors, a bare 500 (details logged) for faults. */
export default fp(async function errorsPlugin (app) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = toHttpError(error, request.routeOptions.bodyLimit ?? BODY_LIMIT)
    if (answer === undefined) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send(INTERNAL_ERROR)
    }
    // Fastify parses the body even for a route that does not exist; the route's absence is the answer.
    if (request.is404) return reply.code(404).send(routeNotFound(request))
    // The reason may quote the client (an unknown property's name): a credential pasted there stays out of the log.
    if (answer.statusCode === 400) request.log.info({ reason: scrub(answer.message) }, 'bad request')
    return reply.code(answer.statusCode).headers(answer.headers).send(answer.body)
  })

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send(routeNotFound(request))
  })
}, { name: 'errors' })
