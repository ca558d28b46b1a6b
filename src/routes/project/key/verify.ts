import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorSchema, keyNotFound } from '../../../errors.js'
import { isValidId } from '../../../services/rules.js'
import {
  VerifyApiKeyBodySchema, VerifyApiKeyParamsSchema, VerifyApiKeyResponseSchemas, VerifyApiKeyRoute
} from '../../../schemas/generated/index.js'
import { keyFields } from './shared.js'

/** /project/:id/key/verify */
const verify: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...VerifyApiKeyRoute,
    schema: { params: VerifyApiKeyParamsSchema, body: VerifyApiKeyBodySchema, response: { ...VerifyApiKeyResponseSchemas, 500: ErrorSchema } },
    onRequest: app.authenticate,
    handler: async (request) => {
      const { id } = request.params
      if (!isValidId(id)) throw keyNotFound()
      app.requireKeyManager(request, id)
      // One lookup by hash whatever the secret is: an unknown secret and another project's take the same path and answer.
      const found = app.keys.findBySecret(request.body.key)
      const keyId = request.body.key_id
      const key = found !== undefined && found.projectId === id && (keyId === undefined || keyId === found.id) ? app.keys.get(id, found.id) : undefined
      return key === undefined ? { is_valid: false } : { is_valid: true, key: keyFields(key) }
    }
  })
}

export default verify
