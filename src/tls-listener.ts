// HTTPS on a second port (HTTPS_PORT) beside plain HTTP on PORT: a TLS listener that hands each connection, once its
// handshake is done, to the app's own HTTP server, as https.Server does to itself. Its requests so meet the same
// timeouts, connection tracking and graceful stop (src/plugins/shutdown.ts) as those of PORT.
import { once } from 'node:events'
import { createServer, type Server, type TLSSocket } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import { HANDSHAKE_TIMEOUT_MS, type Tls } from './settings/tls.js'

export interface TlsListener {
  port: number
  server: Server
}

/** Listens for TLS on port and host; stops accepting when the app's own listener closes. */
export async function listenTls (app: FastifyInstance, tls: Pick<Tls, 'key' | 'cert'>, port: number, host: string): Promise<TlsListener> {
  const server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ['http/1.1'], handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, (socket: TLSSocket) => {
    app.server.emit('connection', socket)
  })
  // A handshake that failed or timed out (a client that refused the certificate, or never said hello) is no server
  // error; but with a listener here, Node leaves the socket open: it is ours to destroy, as https.Server does.
  server.on('tlsClientError', (_error, socket) => { socket.destroy() })
  server.listen(port, host)
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => { throw error })])
  app.server.once('close', () => { server.close() })
  const address = server.address()
  return { port: typeof address === 'object' && address !== null ? address.port : port, server }
}

/**
 * The addresses to print and return once listening: PORT's (https:// when HTTPS is alone on it) and HTTPS_PORT's. A
 * wildcard host is shown as 127.0.0.1, which reaches it; an IPv6 host is bracketed.
 */
export function listenerUrls (app: FastifyInstance, host: string, https: 'none' | 'alone' | 'beside', httpsPort?: number): { url: string, httpsUrl: string | undefined } {
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const shown = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host
  const hostInUrl = shown.includes(':') ? `[${shown}]` : shown
  const url = `${https === 'alone' ? 'https' : 'http'}://${hostInUrl}:${port}`
  return { url, httpsUrl: https === 'none' ? undefined : https === 'alone' ? url : `https://${hostInUrl}:${httpsPort!}` }
}
