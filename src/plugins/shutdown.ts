// A graceful shutdown under load (docker stop, Kubernetes). Once draining starts, every answer carries
// Connection: close, so each keep-alive connection closes after its last answer instead of idling until its
// keep-alive timeout and holding the close (and the process) for the whole grace period. Before the listener
// closes, the connections clients had already opened are still accepted (acceptStragglers): closing it at once
// would reset every one the kernel held in its backlog, requests and all.
import type { Server } from 'node:http'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** From now on, every answer closes its connection (app.close() starts this too). */
    startDraining: () => void
  }
}

/** Resolves once no connection has arrived for `quietMs`, or after `atMostMs`, whichever is first. */
export function acceptStragglers (server: Server, quietMs = 50, atMostMs = 1_000): Promise<void> {
  return new Promise(resolve => {
    let quiet: NodeJS.Timeout
    const done = (): void => {
      clearTimeout(quiet)
      clearTimeout(cap)
      server.off('connection', arrived)
      resolve()
    }
    const arrived = (): void => {
      clearTimeout(quiet)
      quiet = setTimeout(done, quietMs)
    }
    const cap = setTimeout(done, atMostMs)
    server.on('connection', arrived)
    arrived()
  })
}

export default fp(async function shutdownPlugin (app) {
  let draining = false
  app.decorate('startDraining', () => { draining = true })
  app.addHook('preClose', (done) => {
    draining = true
    done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'shutdown' })
