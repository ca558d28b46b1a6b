// The onRequest hook of every key route (registered once, in src/routes/project/key/index.ts): the bearer is read
// and checked as the request arrives, so an unknown credential is refused before its body is read. A callback
// hook: nothing in it waits, and a promise per request costs.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { parseBearer } from '../domain/credential.js'
import { NamespaceDroppedError } from '../domain/namespace.js'
import { unknownCredential } from '../domain/refusal.js'
import { admitToNamespace, authenticate } from '../operations/authenticate.js'
import { enterNamespace, namespaceRefusal } from './namespace.js'
import { Refused } from './refusals.js'

/** Node keeps only the first of repeated Authorization headers; two are refused instead of resolved silently. */
function repeated (request: FastifyRequest): boolean {
  const raw = request.raw.rawHeaders
  let seen = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization' && ++seen > 1) return true
  return false
}

export function authenticateRequest (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const header = request.headers.authorization
  if (header !== undefined && repeated(request)) return done(new Refused(unknownCredential('two Authorization headers')))
  const token = parseBearer(header)
  if (typeof token !== 'string') return done(new Refused(token))
  // A namespace not open opens only for a credential of it; anyone else gets its 401, and it stays closed.
  if (request.pendingNamespace !== null) {
    const admitted = admitToNamespace(request.server.namespaces, request.pendingNamespace, request.server.jwt, token)
    if (!admitted.ok) return done(new Refused(admitted.refusal))
    const refused = enterNamespace(request)
    if (refused !== undefined) return done(refused)
  }
  if (request.world.closing) return done(namespaceRefusal(request.world.name, new NamespaceDroppedError(request.world.name)))
  const found = authenticate(request.world, request.server.jwt, token)
  if (!found.ok) return done(new Refused(found.refusal))
  request.credential = found.value.credential
  request.principal = found.value.principal
  done()
}
