import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { GetJsonWebKeySetResponseSchemas, GetJsonWebKeySetRoute } from '../../schemas/generated/index.js'

/** The public key of RS256 user tokens, for clients that verify them (jose's createRemoteJWKSet and the like). */
const jwks: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...GetJsonWebKeySetRoute,
    config: { operation: 'getJsonWebKeySet', statuses: Object.keys(GetJsonWebKeySetResponseSchemas).map(Number) },
    schema: { response: GetJsonWebKeySetResponseSchemas },
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300')
      return { keys: [app.signingKey.current().jwk] }
    }
  })
}

export default jwks
