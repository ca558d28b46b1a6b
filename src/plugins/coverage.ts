// Names every route of the contract by its operationId (route config `operationId`, for the journal and whoever
// else asks), and counts each answer of such a route in its world's coverage (docs/coverage.md): one hook on those
// routes only, which reads the refusal the error handler answered (src/plugins/errors.ts).
import fp from 'fastify-plugin'
import type { FastifyRequest, onSendHookHandler, RouteOptions } from 'fastify'
import type { Refusal } from '../domain/refusal.js'
import { CONTRACT_OPERATIONS, OPERATION_IDS } from '../operations/contract.js'
import { countAnswer } from '../operations/control-plane.js'

export { CONTRACT_OPERATIONS, OPERATION_IDS }

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The contract's operationId of this route; absent on routes the contract does not have. */
    operationId?: string
  }
}

const byRoute = new Map(CONTRACT_OPERATIONS.map(operation => [`${operation.method} ${operation.path.replace(/\{(\w+)\}/g, ':$1')}`, operation.id]))

/** The operationId of a route (its method and Fastify URL), whether or not this plugin named it. */
export const operationOfRoute = (method: string, url: string | undefined): string | undefined => url === undefined ? undefined : byRoute.get(`${method} ${url}`)

/** The rule of the refusal an answer was, as coverage names it: the bad input's rule, or the refusal's kind. */
export const ruleOf = (refusal: Refusal | null): string | null => refusal === null ? null : refusal.kind === 'bad-input' ? refusal.rule : refusal.kind

// At onSend, as the journal (src/plugins/journal.ts): counted before the client can have its answer, once per request.
const counted = new WeakSet<FastifyRequest>()
function counter (operation: string): onSendHookHandler {
  return function count (request, reply, payload, done) {
    // An injected answer (a fault rule's, Prefer's) exercised nothing of the server.
    // == null: without the journal plugin (this plugin alone) nothing decorates `fault`.
    if (request.fault == null && !counted.has(request)) {
      counted.add(request)
      countAnswer(request.world, operation, reply.statusCode, ruleOf(request.refusal))
    }
    done(null, payload)
  }
}

const hooks = (value: RouteOptions['onSend']): onSendHookHandler[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value as onSendHookHandler]

export default fp(async function coveragePlugin (app) {
  app.addHook('onRoute', route => {
    // A GET's automatic HEAD twin is no operation of the contract: only the exact method matches.
    const operation = typeof route.method === 'string' ? byRoute.get(`${route.method} ${route.url}`) : undefined
    if (operation === undefined) return
    route.config = { ...route.config, operationId: operation }
    route.onSend = [...hooks(route.onSend), counter(operation)]
  })
}, { name: 'coverage', dependencies: ['world', 'errors'] })
