// Requests pipelined on one connection take effect in the order sent (RFC 9112 section 9.3.2). Node hands them
// over at once, and a later one without a body would run while an earlier PATCH still waits for its body or its
// group commit. So a request goes past this hook only once every earlier request of its connection has been
// answered. Requests on other connections never wait for each other: the group commit keeps its batches.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'

interface Order {
  /** Requests of the connection that reached this hook. */
  arrived: number
  /** Of those, how many have been answered or abandoned: always the earliest ones, since answers go out in order. */
  finished: number
  /** Hooks parked until `finished` reaches their number. */
  parked: Map<number, () => void>
}

const ORDER = Symbol('request order')
const TURN = Symbol('turn')

type Ordered = { [ORDER]?: Order }

export default fp(async function requestOrderPlugin (app) {
  app.decorateRequest(TURN, -1)

  app.addHook('onRequest', (request, _reply, done) => {
    const socket = request.raw.socket as unknown as Ordered | null
    if (socket === null || socket === undefined) return done()
    const order = socket[ORDER] ??= { arrived: 0, finished: 0, parked: new Map() }
    const turn = order.arrived++
    ;(request as FastifyRequest & { [TURN]: number })[TURN] = turn
    if (turn === order.finished) return done()
    order.parked.set(turn, () => done())
  })

  function finish (request: FastifyRequest): void {
    const turn = (request as FastifyRequest & { [TURN]: number })[TURN]
    const order = (request.raw.socket as unknown as Ordered | null)?.[ORDER]
    if (turn < 0 || order === undefined) return
    ;(request as FastifyRequest & { [TURN]: number })[TURN] = -1
    order.finished++
    const next = order.parked.get(order.finished)
    if (next !== undefined) {
      order.parked.delete(order.finished)
      next()
    }
  }
  app.addHook('onResponse', (request, _reply, done) => { finish(request); done() })
  app.addHook('onRequestAbort', (request, done) => { finish(request); done() })
}, { name: 'request-order' })
