// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const DeleteApiKeyRoute = { method: 'DELETE', url: '/project/:id/key/:key_id' } as const

export const DeleteApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to delete' })
})

export const DeleteApiKeyResponse200Schema = Type.Object({
  message: Type.Optional(Type.String())
}, { description: 'API key deleted successfully' })

export const DeleteApiKeyResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const DeleteApiKeyResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const DeleteApiKeyResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const DeleteApiKeyResponseSchemas = {
  200: DeleteApiKeyResponse200Schema,
  400: DeleteApiKeyResponse400Schema,
  401: DeleteApiKeyResponse401Schema,
  404: DeleteApiKeyResponse404Schema
}
