import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ping } from '../operations/control-plane.js'

const StatusSchema = Type.Object({ status: Type.Literal('ok') })

/** Liveness and readiness, outside the contract and unauthenticated. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  const schema = { hide: true, response: { 200: StatusSchema } }
  // Logged at debug when they pass (src/http/log.ts).
  const config = { healthCheck: true }
  app.get('/health', { schema, config }, async () => ({ status: 'ok' as const }))
  // The world is migrated and seeded before the server listens, so a readable database means ready.
  app.get('/ready', { schema, config }, async (request) => {
    ping(request.world)
    return { status: 'ok' as const }
  })
}

export default health
