// Opening the namespace a request names, once it has authenticated (src/plugins/namespace.ts left it pending): the
// key routes' hook calls this for a credential of the namespace, the control plane for its token.
import type { FastifyRequest } from 'fastify'
import { NamespaceDroppedError } from '../domain/namespace.js'
import { NamespaceLimitError } from '../namespaces.js'
import { badRequest, type Refused } from './refusals.js'

/** The contract's 400 for a namespace that cannot open now, naming the limit, or for one dropped under the request. */
export function namespaceRefusal (name: string, error: unknown): Refused | undefined {
  if (error instanceof NamespaceLimitError) return badRequest(error.rule, `X-Mock-Namespace ${JSON.stringify(name)}: ${error.message}`)
  if (error instanceof NamespaceDroppedError) return badRequest('namespace-dropped', error.message)
  return undefined
}

/** Puts the pending namespace's world on the request, opening it; its refusal when it cannot open. */
export function enterNamespace (request: FastifyRequest): Refused | undefined {
  const name = request.pendingNamespace
  if (name === null) return undefined
  const namespaces = request.server.namespaces
  if (namespaces.dropped(name) !== undefined) return namespaceRefusal(name, new NamespaceDroppedError(name))
  try {
    request.world = namespaces.get(name)
  } catch (error) {
    const refused = namespaceRefusal(name, error)
    if (refused === undefined) throw error
    return refused
  }
  request.pendingNamespace = null
  return undefined
}
