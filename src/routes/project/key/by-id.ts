import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { isoTime } from '../../../clock.js'
import { ErrorSchema, HttpError, keyNotFound } from '../../../errors.js'
import { isValidId, normaliseLabel, normaliseRoles } from '../../../services/rules.js'
import {
  DeleteApiKeyParamsSchema, DeleteApiKeyResponseSchemas, DeleteApiKeyRoute,
  GetApiKeyParamsSchema, GetApiKeyResponseSchemas, GetApiKeyRoute,
  RegenerateApiKeyParamsSchema, RegenerateApiKeyResponseSchemas, RegenerateApiKeyRoute,
  UpdateApiKeyBodySchema, UpdateApiKeyParamsSchema, UpdateApiKeyResponseSchemas, UpdateApiKeyRoute
} from '../../../schemas/generated/index.js'
import { keyFields, normalise } from './shared.js'

/** The ids of /project/:id/key/:key_id, or the 404 every not-visible case shares. */
function ids (params: { id: string, key_id: string }): { id: string, keyId: string } {
  if (!isValidId(params.id) || !isValidId(params.key_id)) throw keyNotFound()
  return { id: params.id, keyId: params.key_id }
}

/** /project/:id/key/:key_id and /project/:id/key/:key_id/regenerate */
const byId: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...GetApiKeyRoute,
    schema: { params: GetApiKeyParamsSchema, response: { ...GetApiKeyResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const { id, keyId } = ids(request.params)
      app.requireKeyManager(request, id)
      const key = app.keys.get(id, keyId)
      if (key === undefined) throw keyNotFound()
      return { key: keyFields(key) }
    }
  })

  app.route({
    ...UpdateApiKeyRoute,
    schema: { params: UpdateApiKeyParamsSchema, body: UpdateApiKeyBodySchema, response: { ...UpdateApiKeyResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const label = normalise(request.body.label, normaliseLabel)
      const roles = normalise(request.body.roles, normaliseRoles)
      const { id, keyId } = ids(request.params)
      // The membership read shares the turn's write transaction: one read lock for all, and no change in between.
      const key = await app.keys.update(id, keyId, { label, roles }, { refusal: () => app.keyManagerRefusal(request, id), usedKeyId: app.claimLastUsed(request) })
      if (key instanceof HttpError) throw key
      if (key === undefined) throw keyNotFound()
      return { key: { id: key.id, label: key.label, roles: key.roles, updated_at: isoTime(key.updated_at) } }
    }
  })

  app.route({
    ...DeleteApiKeyRoute,
    schema: { params: DeleteApiKeyParamsSchema, response: { ...DeleteApiKeyResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const { id, keyId } = ids(request.params)
      app.requireKeyManager(request, id)
      if (!app.keys.remove(id, keyId)) throw keyNotFound()
      return { message: 'API key deleted' }
    }
  })

  app.route({
    ...RegenerateApiKeyRoute,
    schema: { params: RegenerateApiKeyParamsSchema, response: { ...RegenerateApiKeyResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const { id, keyId } = ids(request.params)
      app.requireKeyManager(request, id)
      const key = app.keys.regenerate(id, keyId)
      if (key === undefined) throw keyNotFound()
      return { key: { ...keyFields(key), value: key.secret, is_private: key.is_private === 1 } }
    }
  })
}

export default byId
