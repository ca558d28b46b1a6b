// Faults, latency and `Prefer: code=` (README "Unhappy paths"), only with the control plane on: a request that reached
// its operation (its credentials and body passed) meets the first fault rule of its namespace that matches and
// fires, or the status its Prefer header asks for. Every such answer carries x-mock-fault (the rule's id, or
// "prefer"), and the journal marks it, so nobody mistakes an injected 503 for the server's own.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { faultBody, type FaultAction } from '../domain/faults.js'
import { badInput, notVisible, unknownCredential, type Refusal } from '../domain/refusal.js'
import { answerFor, badRequest, JSON_TYPE } from '../http/refusals.js'
import { CONTRACT_OPERATIONS, operationOfRoute } from './coverage.js'
import { faultFor } from '../operations/control-plane.js'

// The statuses the contract lists for each operation, for Prefer.
const STATUSES = new Map(CONTRACT_OPERATIONS.map(operation => [operation.id, operation.statuses]))

export const FAULT_HEADER = 'x-mock-fault'

// What Prefer may ask each listed error status to be: the same answer the server gives for that status.
const PREFERRED: Record<number, Refusal> = {
  400: badInput('prefer', undefined, 'Prefer: code=400 asked for this answer'),
  401: unknownCredential('Prefer: code=401'),
  404: notVisible('Prefer: code=404')
}

/** The `code` preference of a Prefer header (RFC 7240: preferences split by commas, parameters by semicolons), as written. */
function preferredCode (header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  for (const preference of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [token = ''] = preference.split(';')
    const equals = token.indexOf('=')
    if ((equals === -1 ? token : token.slice(0, equals)).trim().toLowerCase() !== 'code') continue
    const value = equals === -1 ? '' : token.slice(equals + 1).trim()
    return (/^".*"$/.test(value) ? value.slice(1, -1) : value).slice(0, 40)
  }
  return undefined
}

/** The route's operationId: named by the coverage plugin, or found from the route when that plugin is not there. */
const operationOf = (request: FastifyRequest): string | undefined => request.routeOptions.config.operationId ?? operationOfRoute(request.method, request.routeOptions.url)

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

/** Prefer's answer: the status it asks for, or why it may not ask for that one; undefined without a code preference. */
function preferred (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, operation: string): boolean {
  const code = preferredCode(request.headers.prefer)
  if (code === undefined) return false
  const statuses = STATUSES.get(operation) ?? []
  const listed = statuses.filter(status => PREFERRED[status] !== undefined)
  const may = listed.length === 0 ? `${operation} lists none that Prefer may ask for` : `it may ask for ${listed.join(', ')}`
  const refusal = /^\d{3}$/.test(code) && statuses.includes(Number(code)) ? PREFERRED[Number(code)] : undefined
  if (refusal === undefined) {
    const what = /^\d{3}$/.test(code) ? `an error status ${operation} lists` : 'a status code'
    done(badRequest('prefer', `Prefer: code=${code} is not ${what} (${may})`))
    return true
  }
  request.fault = 'prefer'
  const answer = answerFor(refusal)
  reply.code(answer.statusCode).headers({ ...answer.headers, [FAULT_HEADER]: 'prefer' }).send(answer.body)
  return true
}

export default fp(async function faultsPlugin (app) {
  app.addHook('preHandler', (request, reply, done) => {
    // Named by the coverage plugin for every route of the contract, and only those.
    const operation = request.routeOptions.config.operationId
    if (operation === undefined) return done()
    if (preferred(request, reply, done, operation)) return
    const principal = request.principal
    const caller = principal?.kind === 'key' ? principal.keyId : principal?.kind === 'user' ? principal.userId : undefined
    const action = faultFor(request.world, { operation, method: request.method, path: request.url.split('?')[0]!, caller })
    if (action === undefined) return done()
    request.fault = action.id
    if (action.delayMs === 0) return act(request, reply, done, action)
    // A stop does not wait out a delay: the request gets its answer at once (src/plugins/shutdown.ts).
    const now = (): void => {
      clearTimeout(timer)
      cancel()
      act(request, reply, done, action)
    }
    const timer = setTimeout(now, action.delayMs)
    const cancel = app.whenDraining(now)
  })
}, { name: 'faults', dependencies: ['world', 'journal', 'coverage', 'shutdown'] })

/**
 * Without the control plane there are no faults, and a request that asks for one (Prefer: code=) is refused: carried
 * out as an ordinary request, a PATCH meant to be answered 404 would write.
 */
export const preferRefused = fp(async function preferRefused (app) {
  app.addHook('preHandler', (request, _reply, done) => {
    const code = preferredCode(request.headers.prefer)
    if (code === undefined || operationOf(request) === undefined) return done()
    done(badRequest('prefer', `Prefer: code=${code} asks for an injected answer, and this server has no control plane: start it with ADMIN_TOKEN (in-process: adminToken) for Prefer and fault rules`))
  })
}, { name: 'prefer-refused', dependencies: ['errors'] })
