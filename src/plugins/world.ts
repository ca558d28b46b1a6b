// Puts the world of each request's namespace on it (X-Mock-Namespace, or the default world without the header), and
// closes every world with the app. The request's credential and principal start empty; the authentication hook of
// the key routes fills them.
import fp from 'fastify-plugin'
import type { Credential, Principal } from '../domain/credential.js'
import { NAMESPACE_HEADER, namespaceNameProblem } from '../domain/namespace.js'
import { badRequest } from '../http/refusals.js'
import { NamespaceLimitError, type Namespaces } from '../namespaces.js'
import type { World } from '../world.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The default namespace's world. */
    world: World
    namespaces: Namespaces
  }
  interface FastifyRequest {
    world: World
    /** The bearer as checked on arrival; operations check it again when they act. */
    credential: Credential | null
    /** Who the credential was on arrival, for the journal and the logs. */
    principal: Principal | null
  }
}

export default fp<{ namespaces: Namespaces }>(async function worldPlugin (app, options) {
  const { namespaces } = options
  app.decorate('world', namespaces.default)
  app.decorate('namespaces', namespaces)
  app.decorateRequest('world', null as unknown as World)
  app.decorateRequest('credential', null)
  app.decorateRequest('principal', null)
  app.addHook('onRequest', (request, _reply, done) => {
    // The default world first: a request refused for its namespace is still journaled somewhere.
    request.world = namespaces.default
    const given = request.headers[NAMESPACE_HEADER]
    if (given === undefined) return done()
    // Node joins repeated headers with ", ", which no name can contain: two headers are refused as one bad name.
    const name = Array.isArray(given) ? given.join(', ') : given
    const problem = namespaceNameProblem(name)
    if (problem !== undefined) return done(badRequest('namespace', `X-Mock-Namespace ${problem}`))
    try {
      request.world = namespaces.get(name)
    } catch (error) {
      if (error instanceof NamespaceLimitError) return done(badRequest('namespace-limit', `X-Mock-Namespace ${JSON.stringify(name)}: ${error.message}`))
      return done(error as Error)
    }
    done()
  })
  app.addHook('onClose', async () => {
    await namespaces.close()
  })
}, { name: 'world' })
