// /project/{id}/key and everything below it: each route hands its inputs to its operation (src/operations/) and
// sends what comes back. The bearer is checked once for all of them, by this scope's onRequest hook; the operation
// checks it again, with the project's access, when it acts. Order of answers: credentials (401), body (400), then
// visibility and scope (404, 401).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { authenticateRequest } from '../../../http/authenticate.js'
import { ErrorSchema, valueOf } from '../../../http/refusals.js'
import type { ApiRouteConfig } from '../../../plugins/faults.js'
import { createKey } from '../../../operations/create-key.js'
import { deleteKey } from '../../../operations/delete-key.js'
import { getKey } from '../../../operations/get-key.js'
import { listKeys } from '../../../operations/list-keys.js'
import { regenerateKey } from '../../../operations/regenerate-key.js'
import { updateKey } from '../../../operations/update-key.js'
import { verifyKey } from '../../../operations/verify-key.js'
import * as contract from '../../../schemas/generated/index.js'

const withFault = <T extends object>(responses: T) => ({ ...responses, 500: ErrorSchema })
/** What a route says of itself for faults, Prefer and coverage: its operationId and the statuses the contract lists. */
const described = (operation: string, responses: object): { config: ApiRouteConfig } => ({ config: { operation, statuses: Object.keys(responses).map(Number) } })

const keys: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', authenticateRequest)

  app.route({
    ...contract.CreateApiKeyRoute,
    ...described('createApiKey', contract.CreateApiKeyResponseSchemas),
    schema: { params: contract.CreateApiKeyParamsSchema, body: contract.CreateApiKeyBodySchema, response: withFault(contract.CreateApiKeyResponseSchemas) },
    handler: async (request) => {
      const { label, roles } = request.body
      return { key: valueOf(await createKey(request.world, request.credential!, { projectId: request.params.id, label, roles })) }
    }
  })

  app.route({
    ...contract.ListApiKeysRoute,
    ...described('listApiKeys', contract.ListApiKeysResponseSchemas),
    schema: { params: contract.ListApiKeysParamsSchema, response: withFault(contract.ListApiKeysResponseSchemas) },
    handler: async (request) => ({ data: valueOf(await listKeys(request.world, request.credential!, { projectId: request.params.id }), request.log) })
  })

  app.route({
    ...contract.VerifyApiKeyRoute,
    ...described('verifyApiKey', contract.VerifyApiKeyResponseSchemas),
    schema: { params: contract.VerifyApiKeyParamsSchema, body: contract.VerifyApiKeyBodySchema, response: withFault(contract.VerifyApiKeyResponseSchemas) },
    handler: async (request) => valueOf(await verifyKey(request.world, request.credential!, { projectId: request.params.id, key: request.body.key, keyId: request.body.key_id }), request.log)
  })

  app.route({
    ...contract.GetApiKeyRoute,
    ...described('getApiKey', contract.GetApiKeyResponseSchemas),
    schema: { params: contract.GetApiKeyParamsSchema, response: withFault(contract.GetApiKeyResponseSchemas) },
    handler: async (request) => ({ key: valueOf(await getKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id }), request.log) })
  })

  app.route({
    ...contract.UpdateApiKeyRoute,
    ...described('updateApiKey', contract.UpdateApiKeyResponseSchemas),
    schema: { params: contract.UpdateApiKeyParamsSchema, body: contract.UpdateApiKeyBodySchema, response: withFault(contract.UpdateApiKeyResponseSchemas) },
    handler: async (request) => {
      const { label, roles } = request.body
      return { key: valueOf(await updateKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id, label, roles })) }
    }
  })

  app.route({
    ...contract.DeleteApiKeyRoute,
    ...described('deleteApiKey', contract.DeleteApiKeyResponseSchemas),
    schema: { params: contract.DeleteApiKeyParamsSchema, response: withFault(contract.DeleteApiKeyResponseSchemas) },
    handler: async (request) => valueOf(await deleteKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id }))
  })

  app.route({
    ...contract.RegenerateApiKeyRoute,
    ...described('regenerateApiKey', contract.RegenerateApiKeyResponseSchemas),
    schema: { params: contract.RegenerateApiKeyParamsSchema, response: withFault(contract.RegenerateApiKeyResponseSchemas) },
    handler: async (request) => ({ key: valueOf(await regenerateKey(request.world, request.credential!, { projectId: request.params.id, keyId: request.params.key_id })) })
  })
}

export default keys
