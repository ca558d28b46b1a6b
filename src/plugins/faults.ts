// Faults, latency and `Prefer: code=` (README "Unhappy paths"), only with the control plane on: a request that reached
// its operation (its credentials and body passed) meets the first fault rule of its namespace that matches and
// fires, or the status its Prefer header asks for. Every such answer carries x-mock-fault (the rule's id, or
// "prefer"), and the journal marks it, so nobody mistakes an injected 503 for the server's own.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { faultBody, type FaultAction } from '../domain/faults.js'
import { badInput, notVisible, unknownCredential, type Refusal } from '../domain/refusal.js'
import { answerFor, badRequest, JSON_TYPE } from '../http/refusals.js'
import { CONTRACT_OPERATIONS } from './coverage.js'

// The statuses the contract lists for each operation, for Prefer.
const STATUSES = new Map(CONTRACT_OPERATIONS.map(operation => [operation.id, operation.statuses]))

export const FAULT_HEADER = 'x-mock-fault'

// What Prefer may ask each listed error status to be: the same answer the server gives for that status.
const PREFERRED: Record<number, Refusal> = {
  400: badInput('prefer', undefined, 'Prefer: code=400 asked for this answer'),
  401: unknownCredential('Prefer: code=401'),
  404: notVisible('Prefer: code=404')
}

function preferredCode (header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined
  const match = /(?:^|[,;\s])code\s*=\s*"?(\d{3})"?/i.exec(Array.isArray(header) ? header.join(',') : header)
  return match === null ? undefined : Number(match[1])
}

/** Ends the connection as a crashed upstream would, without a (whole) answer. */
function drop (request: FastifyRequest, reply: FastifyReply, how: NonNullable<FaultAction['drop']>): void {
  reply.hijack()
  // A hijacked reply has no onResponse: journaled here, with no status.
  request.server.journalRequest(request, null)
  const socket = request.raw.socket
  if (how === 'reset') {
    socket.resetAndDestroy()
  } else if (how === 'close') {
    socket.destroySoon()
  } else {
    // A head that promises more body than ever comes.
    const body = JSON.stringify(faultBody(502, request.fault ?? ''))
    socket.end(`HTTP/1.1 200 OK\r\nContent-Type: ${JSON_TYPE}\r\nContent-Length: ${body.length * 2}\r\n${FAULT_HEADER}: ${request.fault ?? ''}\r\nx-request-id: ${request.id}\r\n\r\n${body.slice(0, body.length >> 1)}`)
  }
}

function act (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, action: FaultAction): void {
  reply.header(FAULT_HEADER, action.id)
  if (action.drop !== undefined) return drop(request, reply, action.drop)
  if (action.status === undefined) return done()
  if (action.retryAfter !== undefined) reply.header('retry-after', String(action.retryAfter))
  reply.code(action.status).send(faultBody(action.status, action.id))
}

export default fp(async function faultsPlugin (app) {
  app.addHook('preHandler', (request, reply, done) => {
    // Named by the coverage plugin for every route of the contract, and only those.
    const operation = request.routeOptions.config.operationId
    if (operation === undefined) return done()
    const statuses = STATUSES.get(operation)
    const code = preferredCode(request.headers.prefer)
    if (code !== undefined) {
      const refusal = PREFERRED[code]
      if (refusal === undefined || statuses?.includes(code) !== true) {
        const listed = (statuses ?? []).filter(status => PREFERRED[status] !== undefined).join(', ')
        return done(badRequest('prefer', `Prefer: code=${code} is not an error status ${operation} lists (it may ask for ${listed})`))
      }
      request.fault = 'prefer'
      const answer = answerFor(refusal)
      return reply.code(answer.statusCode).headers({ ...answer.headers, [FAULT_HEADER]: 'prefer' }).send(answer.body)
    }
    const principal = request.principal
    const caller = principal?.kind === 'key' ? principal.keyId : principal?.kind === 'user' ? principal.userId : undefined
    const action = request.world.faults.decide({ operation, method: request.method, path: request.url.split('?')[0]!, caller })
    if (action === undefined) return done()
    request.fault = action.id
    if (action.delayMs === 0) return act(request, reply, done, action)
    setTimeout(() => act(request, reply, done, action), action.delayMs)
  })
}, { name: 'faults', dependencies: ['world', 'journal', 'coverage'] })
