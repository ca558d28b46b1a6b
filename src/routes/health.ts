import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'

const StatusSchema = Type.Object({ status: Type.Literal('ok') })

/** Liveness and readiness, outside the contract and unauthenticated. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  const schema = { hide: true, response: { 200: StatusSchema } }
  app.get('/health', { schema }, async () => ({ status: 'ok' as const }))
  // Plugins finish migrating and seeding before the server listens, so an open database means ready.
  app.get('/ready', { schema }, async () => {
    app.db.prepare('SELECT 1').get()
    return { status: 'ok' as const }
  })
}

export default health
