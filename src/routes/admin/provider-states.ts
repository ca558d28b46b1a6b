// POST /__admin/provider-states (docs/pact.md): Pact's verifier sets each interaction's provider state here before
// sending it, {state, params, action: "setup"|"teardown"}. A setup replaces the asker's namespace with the state's
// fixture; a teardown changes nothing (the next setup replaces everything anyway).
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { ProviderStates } from '../../domain/provider-states.js'
import { ErrorSchema, valueOf } from '../../http/refusals.js'

export const PROVIDER_STATES_URL = '/__admin/provider-states'

/**
 * The admin token as the verifier can send it: Pact's custom headers reach every request it makes, so the bearer
 * would replace each interaction's own Authorization; the password of the URL's user info (Basic) reaches only this
 * route. Undefined elsewhere, and for anything but Basic.
 */
export function stateChangePassword (request: FastifyRequest): string | undefined {
  if (request.routeOptions.url !== PROVIDER_STATES_URL) return undefined
  const match = /^basic[ \t]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(request.headers.authorization ?? '')
  if (match === null) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 ? undefined : decoded.slice(colon + 1)
}

const Body = Type.Object({
  state: Type.String(),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  action: Type.Optional(Type.Union([Type.Literal('setup'), Type.Literal('teardown')])),
  consumer: Type.Optional(Type.String())
})

const routes: FastifyPluginAsyncTypebox<{ states: ProviderStates, source: string }> = async (app, provided) => {
  app.post('/provider-states', {
    config: { controlPlane: true },
    schema: { hide: true, body: Body, response: { 200: Type.Object({ state: Type.String(), action: Type.String(), created: Type.Integer() }), 400: ErrorSchema } }
  }, async (request) => {
    const { state, params, action = 'setup' } = request.body
    return { state, action, ...valueOf(await request.server.controlPlane.providerState(request.world, provided, state, params, action)) }
  })
}

export default routes
