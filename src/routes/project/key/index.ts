// /project/{id}/key and everything below it: each route hands its inputs to its operation (src/operations/) and
// sends what comes back. The bearer is checked once for all of them, by this scope's onRequest hook; the operation
// checks it again, with the project's access, when it acts. Order of answers: credentials (401), body (400), then
// visibility and scope (404, 401).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticateRequest } from '../../../http/authenticate.js'
import { ErrorSchema, valueOf } from '../../../http/refusals.js'
import { createKey } from '../../../operations/create-key.js'
import { deleteKey } from '../../../operations/delete-key.js'
import { getKey } from '../../../operations/get-key.js'
import { listKeys } from '../../../operations/list-keys.js'
import { regenerateKey } from '../../../operations/regenerate-key.js'
import { updateKey } from '../../../operations/update-key.js'
import { verifyKey } from '../../../operations/verify-key.js'
import * as contract from '../../../schemas/generated/index.js'

const withFault = <T extends object>(responses: T) => ({ ...responses, 500: ErrorSchema })

const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', authenticateRequest)

  app.route({
    ...contract.CreateApiKeyRoute,
    schema: { params: contract.CreateApiKeyParamsSchema, body: contract.CreateApiKeyBodySchema, response: withFault(contract.CreateApiKeyResponseSchemas) },
    handler: async (request) => {
      const { label, roles } = request.body
      return { key: valueOf(await createKey(request.world, request.credential!, { projectId: request.params.id, label, roles })) }
    }
  })

  app.route({
    ...contract.ListApiKeysRoute,
    schema: { params: contract.ListApiKeysParamsSchema, response: withFault(contract.ListApiKeysResponseSchemas) },
    handler: async (request) => ({ data: valueOf(await listKeys(request.world, request.credential!, { projectId: request.params.id }), request.log) })
  })

  app.route({
    ...contract.VerifyApiKeyRoute,
    schema: { params: contract.VerifyApiKeyParamsSchema, body: contract.VerifyApiKeyBodySchema, response: withFault(contract.VerifyApiKeyResponseSchemas) },
    handler: async (request) => valueOf(await verifyKey(request.world, request.credential!, { projectId: request.params.id, key: request.body.key, keyId: request.body.key_id }), request.log)
  })

  app.route({
    ...contract.GetApiKeyRoute,
    schema: { params: contract.GetApiKeyParamsSchema, response: withFault(contract.GetApiKeyResponseSchemas) },
    handler: async (request) => ({ key: valueOf(await getKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id }), request.log) })
  })

  app.route({
    ...contract.UpdateApiKeyRoute,
    schema: { params: contract.UpdateApiKeyParamsSchema, body: contract.UpdateApiKeyBodySchema, response: withFault(contract.UpdateApiKeyResponseSchemas) },
    // The body passes through: the operation knows the key's fields (src/domain/rules.ts KEY_FIELDS).
    handler: async (request) => ({ key: valueOf(await updateKey(request.world, request.credential!, request.params.id, request.params.key_id, request.body)) })
  })

  app.route({
    ...contract.DeleteApiKeyRoute,
    schema: { params: contract.DeleteApiKeyParamsSchema, response: withFault(contract.DeleteApiKeyResponseSchemas) },
    handler: async (request) => valueOf(await deleteKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id }))
  })

  app.route({
    ...contract.RegenerateApiKeyRoute,
    schema: { params: contract.RegenerateApiKeyParamsSchema, response: withFault(contract.RegenerateApiKeyResponseSchemas) },
    handler: async (request) => ({ key: valueOf(await regenerateKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id })) })
  })
}

export default keys
