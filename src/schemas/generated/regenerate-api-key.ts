// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const RegenerateApiKeyRoute = { method: 'POST', url: '/project/:id/key/:key_id/regenerate' } as const

export const RegenerateApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to regenerate' })
})

export const RegenerateApiKeyResponse200Schema = Type.Object({
  key: Type.Optional(Type.Object({
    id: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    roles: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
    is_private: Type.Optional(Type.Boolean()),
    created_at: Type.Optional(Type.String({ format: 'date-time' }))
  }))
}, { description: 'API key regenerated successfully' })

export const RegenerateApiKeyResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const RegenerateApiKeyResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const RegenerateApiKeyResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const RegenerateApiKeyResponseSchemas = {
  200: RegenerateApiKeyResponse200Schema,
  400: RegenerateApiKeyResponse400Schema,
  401: RegenerateApiKeyResponse401Schema,
  404: RegenerateApiKeyResponse404Schema
}
