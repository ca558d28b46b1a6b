// Puts the app's world (src/world.ts) on the app and on every request, and closes it with the app. The request's
// credential and principal start empty; the authentication hook of the key routes fills them.
import fp from 'fastify-plugin'
import type { Credential, Principal } from '../domain/credential.js'
import type { World } from '../world.js'

declare module 'fastify' {
  interface FastifyInstance {
    world: World
  }
  interface FastifyRequest {
    world: World
    /** The bearer as checked on arrival; operations check it again when they act. */
    credential: Credential | null
    /** Who the credential was on arrival, for the journal and the logs. */
    principal: Principal | null
  }
}

export default fp<{ world: World }>(async function worldPlugin (app, options) {
  const { world } = options
  app.decorate('world', world)
  app.decorateRequest('world', null as unknown as World)
  app.decorateRequest('credential', null)
  app.decorateRequest('principal', null)
  app.addHook('onRequest', (request, _reply, done) => {
    request.world = world
    done()
  })
  app.addHook('onClose', async () => { await world.close() })
}, { name: 'world' })
