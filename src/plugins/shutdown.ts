// A graceful stop under load (docker stop, Kubernetes) that ends well inside its grace period, every time:
// 1. Draining starts: every answer carries Connection: close, and a fault rule's delay that holds a request ends now
//    (the request gets its answer at once instead of holding the stop for up to a minute).
// 2. Stragglers: connections clients had already opened (accepted, or still in the kernel's backlog) are accepted
//    until none has come for a while: closing the listener at once would reset every one the backlog held.
// 3. The listener closes, without Node's http close, which destroys every connection that has not yet sent a
//    request (its first bytes may be in the socket unread: the client sees ECONNRESET for a request it did send).
// 4. Each connection then ends on its own terms: after its answer (Connection: close); between requests, once its
//    last answer is idleMs old (a busy keep-alive client sends its next request by then and gets an answer that
//    closes, instead of a reset it would have to retry); and, when a request is still arriving or none has come, once
//    nothing has arrived for idleMs, or at the latest maxMs after the listener closed (a 1 byte/s body, or half a
//    request head, cannot hold the stop). A request fully read is always answered.
// 5. Then the app closes (its databases) and the process exits 0.
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** From now on, every answer closes its connection, and held delays end (app.close() starts this too). */
    startDraining: () => void
    /** Runs fn once draining starts (at once if it has); returns a function that cancels it. */
    whenDraining: (fn: () => void) => () => void
    /** The graceful stop of a listening server (the steps above); resolves once the app is closed. */
    stopGracefully: (options?: Partial<StopTimes>) => Promise<void>
  }
}

export interface StopTimes {
  /** Stragglers are accepted until no connection has come for this long... */
  quietMs: number
  /** ...or for at most this long (connections that keep coming). */
  stragglersMs: number
  /** A connection still sending a request, or that sent none, is closed after this long without a byte... */
  idleMs: number
  /** ...or this long after the listener closed, whichever is first. */
  maxMs: number
}

// Measured on 2 busy cores (load 16, Node 26): a server answering 200 PATCHes took over a second to accept the 200
// connections its clients had opened, a few per turn of its loop. The worst stop is stragglersMs + maxMs, half the
// grace period of src/server.ts; an idle server stops in a tenth of a second.
const TIMES: StopTimes = { quietMs: 50, stragglersMs: 3_000, idleMs: 1_000, maxMs: 2_000 }

/**
 * Resolves once no connection has arrived for `quietMs`, or after `atMostMs`, whichever is first; either way only
 * after the loop has polled for I/O once more, so that a connection the kernel holds is accepted, not left behind
 * by a timer that fired first on a busy loop.
 */
export function acceptStragglers (server: Server, quietMs = TIMES.quietMs, atMostMs = TIMES.stragglersMs): Promise<void> {
  return new Promise(resolve => {
    let arrivals = 0
    let quiet: NodeJS.Timeout
    let finished = false
    const done = (): void => {
      if (finished) return
      finished = true
      clearTimeout(quiet)
      clearTimeout(cap)
      server.off('connection', arrived)
      resolve()
    }
    // setImmediate runs after the poll phase that follows the timer: any connection it accepted counts.
    const settle = (force: boolean): void => {
      const seen = arrivals
      setImmediate(() => { if (force || arrivals === seen) done() })
    }
    const arrived = (): void => {
      arrivals++
      clearTimeout(quiet)
      quiet = setTimeout(() => settle(false), quietMs)
    }
    const cap = setTimeout(() => settle(true), atMostMs)
    server.on('connection', arrived)
    quiet = setTimeout(() => settle(false), quietMs)
  })
}

/** What the stop knows of one connection. */
interface Tracked {
  /** Requests whose head was read and whose answer has not ended. */
  inFlight: Set<IncomingMessage>
  /** Answers ended on it. */
  answered: number
  /** bytesRead when its last answer ended (more since means a next request is arriving), and when that was. */
  bytesAtAnswer: number
  answeredAt: number
  /** bytesRead at the last check, and when it last grew (or the drain started). */
  bytes: number
  since: number
}

export default fp(async function shutdownPlugin (app) {
  let draining = false
  const onDrain = new Set<() => void>()
  const connections = new Map<Socket, Tracked>()

  const startDraining = (): void => {
    if (draining) return
    draining = true
    for (const fn of onDrain) fn()
    onDrain.clear()
  }
  app.decorate('startDraining', startDraining)
  app.decorate('whenDraining', (fn: () => void) => {
    if (draining) {
      fn()
      return () => {}
    }
    onDrain.add(fn)
    return () => { onDrain.delete(fn) }
  })

  app.server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: new Set(), answered: 0, bytesAtAnswer: 0, answeredAt: 0, bytes: 0, since: Date.now() })
    socket.once('close', () => connections.delete(socket))
  })
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const tracked = connections.get(request.socket)
    if (tracked === undefined) return
    tracked.inFlight.add(request)
    response.once('close', () => {
      tracked.inFlight.delete(request)
      tracked.answered++
      tracked.bytesAtAnswer = request.socket.bytesRead
      tracked.answeredAt = Date.now()
    })
  })

  /** Ends what may end now; true once no connection is left. */
  function sweep (deadline: number, idleMs: number): boolean {
    const now = Date.now()
    for (const [socket, tracked] of connections) {
      if (socket.destroyed) continue
      // A request fully read is being answered: its answer closes the connection.
      if ([...tracked.inFlight].some(request => request.complete)) continue
      if (tracked.inFlight.size === 0 && tracked.answered > 0 && socket.bytesRead === tracked.bytesAtAnswer) {
        if (now - tracked.answeredAt >= idleMs || now >= deadline) socket.destroySoon()
        continue
      }
      // Never used, or a request still arriving: wait while bytes come, up to the deadline.
      if (socket.bytesRead !== tracked.bytes) {
        tracked.bytes = socket.bytesRead
        tracked.since = now
      }
      if (now - tracked.since >= idleMs || now >= deadline) socket.destroy()
    }
    return connections.size === 0
  }

  app.decorate('stopGracefully', async (options: Partial<StopTimes> = {}) => {
    const times = { ...TIMES, ...options }
    startDraining()
    await acceptStragglers(app.server, times.quietMs, times.stragglersMs)
    // net's close, not http's: that one would destroy the connections whose first request is not read yet (step 3).
    NetServer.prototype.close.call(app.server)
    // Each connection's silence is counted from now.
    const now = Date.now()
    const deadline = now + times.maxMs
    for (const [socket, tracked] of connections) {
      tracked.bytes = socket.bytesRead
      tracked.since = now
    }
    await new Promise<void>(resolve => {
      const check = (): void => {
        if (!sweep(deadline, times.idleMs)) return
        clearInterval(timer)
        resolve()
      }
      const timer = setInterval(check, 25)
      check()
    })
    await app.close()
  })

  app.addHook('preClose', (done) => {
    startDraining()
    done()
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close')
    done(null, payload)
  })
}, { name: 'shutdown' })
