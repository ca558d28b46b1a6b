// Every answered request goes into its world's journal (GET /__admin/requests), but the control plane's own: by
// identity, never by credential, with the path and body blanked (src/domain/redact.ts). Only with ADMIN_TOKEN.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Redactor } from '../domain/redact.js'

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
}

export default fp<{ redact: Redactor }>(async function journalPlugin (app, options) {
  app.decorate('journalRequest', (request: FastifyRequest, status: number | null) => {
    const routed = request.routeOptions.config as { controlPlane?: boolean } | undefined
    if (routed?.controlPlane === true || isControlPlane(request.url)) return
    request.world.journal.add({
      time: new Date().toISOString(),
      request_id: request.id,
      method: request.method,
      path: options.redact.url(request.url.split('?')[0]!),
      status,
      principal: request.principal,
      body: request.body === undefined ? null : options.redact.value(request.body),
      fault: request.fault ?? null
    })
  })
  app.addHook('onResponse', (request, reply, done) => {
    app.journalRequest(request, reply.statusCode)
    done()
  })
}, { name: 'journal', dependencies: ['world'] })
