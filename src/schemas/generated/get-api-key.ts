// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const GetApiKeyRoute = { method: 'GET', url: '/project/:id/key/:key_id' } as const

export const GetApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to read' })
})

export const GetApiKeyResponse200Schema = Type.Object({
  key: Type.Optional(Type.Object({
    id: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    roles: Type.Optional(Type.String()),
    created_at: Type.Optional(Type.String({ format: 'date-time' }))
  }))
}, { description: 'The API key' })

export const GetApiKeyResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const GetApiKeyResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const GetApiKeyResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const GetApiKeyResponseSchemas = {
  200: GetApiKeyResponse200Schema,
  400: GetApiKeyResponse400Schema,
  401: GetApiKeyResponse401Schema,
  404: GetApiKeyResponse404Schema
}
