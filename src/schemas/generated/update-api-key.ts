// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const UpdateApiKeyRoute = { method: 'PATCH', url: '/project/:id/key/:key_id' } as const

export const UpdateApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to update' })
})

export const UpdateApiKeyBodySchema = Type.Object({
  label: Type.Optional(Type.String({ description: 'New label for the API key' })),
  roles: Type.Optional(Type.String({ description: 'New comma-separated list of permissions' }))
}, { minProperties: 1, additionalProperties: false })

export const UpdateApiKeyResponse200Schema = Type.Object({
  key: Type.Optional(Type.Object({
    id: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    roles: Type.Optional(Type.String()),
    updated_at: Type.Optional(Type.String({ format: 'date-time' }))
  }))
}, { description: 'API key updated successfully' })

export const UpdateApiKeyResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const UpdateApiKeyResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const UpdateApiKeyResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const UpdateApiKeyResponseSchemas = {
  200: UpdateApiKeyResponse200Schema,
  400: UpdateApiKeyResponse400Schema,
  401: UpdateApiKeyResponse401Schema,
  404: UpdateApiKeyResponse404Schema
}
