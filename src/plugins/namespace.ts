// X-Mock-Namespace (docs/namespaces-and-faults.md): the world of an open namespace is put on the request in its turn
// (after the requests before it on its connection were answered). A namespace that is not open is not opened here:
// the request stands in the empty stranger world, which keeps nothing, and the namespace opens only once it
// authenticates (the key routes' hook, the control plane's token: src/http/namespace.ts). While a drop of the name
// is under way, the request waits for it to end.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import { NAMESPACE_HEADER, namespaceNameProblem } from '../domain/namespace.js'
import { badRequest } from '../http/refusals.js'

function place (request: FastifyRequest, name: string, done: (error?: Error) => void): void {
  const namespaces = request.server.namespaces
  const world = namespaces.find(name)
  if (world !== undefined) {
    request.world = world
    return done()
  }
  const drop = namespaces.dropped(name)
  if (drop !== undefined) {
    drop.then(() => place(request, name, done), () => place(request, name, done))
    return
  }
  request.world = namespaces.stranger
  request.pendingNamespace = name
  done()
}

export default fp(async function namespacePlugin (app) {
  app.addHook('onRequest', (request, _reply, done) => {
    const given = request.headers[NAMESPACE_HEADER]
    if (given === undefined) return done()
    // Node joins repeated headers with ", ", which no name can contain: two headers are refused as one bad name.
    const name = Array.isArray(given) ? given.join(', ') : given
    const problem = namespaceNameProblem(name)
    if (problem !== undefined) return done(badRequest('namespace', `X-Mock-Namespace ${problem}`))
    place(request, name, done)
  })
}, { name: 'namespace', dependencies: ['world', 'request-order'] })
