// Puts the default world on each request as it arrives, and closes every world with the app; the namespace plugin
// (src/plugins/namespace.ts) then puts the world of its X-Mock-Namespace on it, in the request's turn. The request's
// credential and principal start empty; the authentication hook of the key routes fills them.
import fp from 'fastify-plugin'
import type { Credential, Principal } from '../domain/credential.js'
import type { Namespaces } from '../namespaces.js'
import type { ControlPlane } from '../operations/control-plane.js'
import type { World } from '../world.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The default namespace's world. */
    world: World
    namespaces: Namespaces
    /** The control plane's operations (src/operations/control-plane.ts), for /__admin and startMockServer. */
    controlPlane: ControlPlane
  }
  interface FastifyRequest {
    world: World
    /** The bearer as checked on arrival; operations check it again when they act. */
    credential: Credential | null
    /** Who the credential was on arrival, for the journal and the logs. */
    principal: Principal | null
    /** A namespace the request names that is not open: it opens only once the request authenticates. */
    pendingNamespace: string | null
  }
}

export default fp<{ namespaces: Namespaces }>(async function worldPlugin (app, options) {
  const { namespaces } = options
  app.decorate('world', namespaces.default)
  app.decorate('namespaces', namespaces)
  app.decorateRequest('world', null as unknown as World)
  app.decorateRequest('credential', null)
  app.decorateRequest('principal', null)
  app.decorateRequest('pendingNamespace', null)
  app.addHook('onRequest', (request, _reply, done) => {
    // The default world first: a request refused before its namespace is looked up is still journaled somewhere.
    request.world = namespaces.default
    done()
  })
  app.addHook('onClose', async () => {
    await namespaces.close()
  })
}, { name: 'world' })
