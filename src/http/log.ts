// What a request logs: one line at info, on its answer (at debug for a passing health check); the arrival line at
// debug. Fields are flat (method, url, statusCode, responseTime): pino writes strings and numbers directly but runs a
// generic stringify on nested objects, which cost more than the rest of the line. No header is ever logged, and the
// URL is blanked first.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Redactor } from '../domain/redact.js'

export class OneLinePerRequest extends LogController {
  constructor (private readonly redact: Redactor) {
    super()
  }

  override incomingRequest (request: FastifyRequest): void {
    // `req` goes through the logger's serializer (src/http/options.ts), which blanks the URL.
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error !== null && error !== undefined) return super.requestCompleted(error, request, reply)
    if (!this.isLogDisabled(request)) {
      const line = { method: request.method, url: this.redact.url(request.url), statusCode: reply.statusCode, responseTime: reply.elapsedTime }
      // A health check that passes says nothing new: Docker's HEALTHCHECK and compose's send one every few seconds.
      if ((request.routeOptions.config as { healthCheck?: boolean } | undefined)?.healthCheck === true && reply.statusCode < 400) reply.log.debug(line, 'request completed')
      else reply.log.info(line, 'request completed')
    }
  }
}
