import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { isoTime } from '../../../clock.js'
import { ErrorSchema, keyNotFound } from '../../../errors.js'
import { isValidId, normaliseLabel, normaliseRoles } from '../../../services/rules.js'
import {
  CreateApiKeyBodySchema, CreateApiKeyParamsSchema, CreateApiKeyResponseSchemas, CreateApiKeyRoute,
  ListApiKeysParamsSchema, ListApiKeysResponseSchemas, ListApiKeysRoute
} from '../../../schemas/generated/index.js'
import byId from './by-id.js'
import { keyFields, normalise } from './shared.js'
import verify from './verify.js'

/** /project/:id/key and everything below it. Every operation: credentials (401), body (400), then visibility and scope. */
const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...CreateApiKeyRoute,
    schema: { params: CreateApiKeyParamsSchema, body: CreateApiKeyBodySchema, response: { ...CreateApiKeyResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const label = normalise(request.body.label, normaliseLabel)!
      const roles = normalise(request.body.roles, normaliseRoles)!
      const { id } = request.params
      if (!isValidId(id)) throw keyNotFound()
      app.requireKeyManager(request, id)
      const key = app.keys.create(id, { label, roles })
      return { key: { id: key.id, label, roles, value: key.secret, created_at: isoTime(key.created_at) } }
    }
  })

  app.route({
    ...ListApiKeysRoute,
    schema: { params: ListApiKeysParamsSchema, response: { ...ListApiKeysResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const { id } = request.params
      if (!isValidId(id)) throw keyNotFound()
      app.requireKeyManager(request, id)
      const data = app.keys.list(id).map(key => ({
        ...keyFields(key), is_private: key.is_private === 1, last_used: key.last_used === null ? null : isoTime(key.last_used)
      }))
      return { data }
    }
  })

  await app.register(verify)
  await app.register(byId)
}

export default keys
