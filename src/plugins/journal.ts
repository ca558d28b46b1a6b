// Every answered request goes into its world's journal (GET /__admin/requests), but the control plane's own: by
// identity, never by credential, with the path and body blanked (src/domain/redact.ts), under the operationId the
// coverage plugin gave its route. Only with ADMIN_TOKEN, or in-process.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Redactor } from '../domain/redact.js'
import { journalRequest } from '../operations/control-plane.js'

export const CONTROL_PLANE = '/__admin'

/** Whether the path, as routed (percent-decoded), is the control plane's. */
export function isControlPlane (url: string): boolean {
  const path = url.split('?')[0]!
  let decoded = path
  try {
    decoded = decodeURIComponent(path)
  } catch {}
  return decoded === CONTROL_PLANE || decoded.startsWith(`${CONTROL_PLANE}/`)
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Journals a request the server answered (its status), or dropped without an answer (null). */
    journalRequest: (request: FastifyRequest, status: number | null) => void
  }
  interface FastifyRequest {
    /** The fault rule that answered (its id), "prefer", or null: the journal shows it (src/plugins/faults.ts). */
    fault: string | null
  }
}

export default fp<{ redact: Redactor }>(async function journalPlugin (app, options) {
  app.decorateRequest('fault', null)
  app.decorate('journalRequest', (request: FastifyRequest, status: number | null) => {
    const routed = request.routeOptions.config as { controlPlane?: boolean, operationId?: string } | undefined
    if (routed?.controlPlane === true || isControlPlane(request.url)) return
    // A CORS preflight is the browser's, not the client's: no request of the API.
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) return
    journalRequest(request.world, {
      time: new Date().toISOString(),
      request_id: request.id,
      operation: routed?.operationId ?? null,
      method: request.method,
      path: options.redact.url(request.url.split('?')[0]!),
      status,
      principal: request.principal,
      // As JSON text, not the parsed copy: what is kept per request stays about what was sent (src/stores/journal.ts).
      bodyText: request.body === undefined ? null : JSON.stringify(options.redact.value(request.body)) ?? null,
      fault: request.fault
    })
  })
  // At onSend, before the first byte of the answer is written: a client that has its answer finds it in the journal.
  // At onResponse (the answer's 'finish') an in-process client over TLS read its answer first, and requests() missed it.
  // Once per request: an answer whose sending failed is sent again (a 500) through onSend.
  const journaled = new WeakSet<FastifyRequest>()
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!journaled.has(request)) {
      journaled.add(request)
      app.journalRequest(request, reply.statusCode)
    }
    done(null, payload)
  })
}, { name: 'journal', dependencies: ['world', 'coverage'] })
