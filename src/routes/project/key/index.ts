import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { isoTime } from '../../../clock.js'
import { badRequest, ErrorSchema, keyNotFound } from '../../../errors.js'
import { isValidId, normaliseLabel, normaliseRoles, RuleError } from '../../../services/rules.js'
import {
  UpdateApiKeyBodySchema, UpdateApiKeyParamsSchema, UpdateApiKeyResponseSchemas, UpdateApiKeyRoute
} from '../../../schemas/generated/index.js'

function normalise<T> (value: T | undefined, fn: (value: T) => T): T | undefined {
  if (value === undefined) return undefined
  try {
    return fn(value)
  } catch (error) {
    throw error instanceof RuleError ? badRequest(error.message) : error
  }
}

/** /project/:id/key/:key_id */
const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...UpdateApiKeyRoute,
    schema: {
      params: UpdateApiKeyParamsSchema,
      body: UpdateApiKeyBodySchema,
      response: { ...UpdateApiKeyResponseSchemas, 500: ErrorSchema }
    },
    onRequest: app.authenticate,
    handler: async (request) => {
      // Order: credentials (401, onRequest), body (400), then visibility and scope (404, 401).
      const label = normalise(request.body.label, normaliseLabel)
      const roles = normalise(request.body.roles, normaliseRoles)
      const { id, key_id: keyId } = request.params
      if (!isValidId(id) || !isValidId(keyId)) throw keyNotFound()
      app.requireKeyManager(request, id)
      const key = app.keys.update(id, keyId, { label, roles })
      if (key === undefined) throw keyNotFound()
      return { key: { id: key.id, label: key.label, roles: key.roles, updated_at: isoTime(key.updated_at) } }
    }
  })
}

export default keys
