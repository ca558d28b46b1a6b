// HTTPS on a second port (HTTPS_PORT) beside plain HTTP on PORT: a TLS listener that hands each connection, once its
// handshake is done, to the app's own HTTP server, as https.Server does to itself. Its requests so meet the same
// timeouts, connection tracking and graceful stop (src/plugins/shutdown.ts) as those of PORT.
import { once } from 'node:events'
import { createServer, type Server, type TLSSocket } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import type { Tls } from './tls.js'

export interface TlsListener {
  port: number
  server: Server
}

/** Listens for TLS on port and host; stops accepting when the app's own listener closes. */
export async function listenTls (app: FastifyInstance, tls: Pick<Tls, 'key' | 'cert'>, port: number, host: string): Promise<TlsListener> {
  const server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ['http/1.1'] }, (socket: TLSSocket) => {
    app.server.emit('connection', socket)
  })
  // A client that refuses the certificate ends its handshake; that is its business, not a server error.
  server.on('tlsClientError', () => {})
  server.listen(port, host)
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => { throw error })])
  app.server.once('close', () => { server.close() })
  const address = server.address()
  return { port: typeof address === 'object' && address !== null ? address.port : port, server }
}
