// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const CreateApiKeyRoute = { method: 'POST', url: '/project/:id/key' } as const

export const CreateApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' })
})

export const CreateApiKeyBodySchema = Type.Object({
  label: Type.String({ description: 'Label of the API key' }),
  roles: Type.String({ description: 'Comma-separated list of permissions' })
}, { additionalProperties: false })

export const CreateApiKeyResponse200Schema = Type.Object({
  key: Type.Optional(Type.Object({
    id: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    roles: Type.Optional(Type.String()),
    value: Type.Optional(Type.String()),
    created_at: Type.Optional(Type.String({ format: 'date-time' }))
  }))
}, { description: 'API key created successfully' })

export const CreateApiKeyResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const CreateApiKeyResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const CreateApiKeyResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const CreateApiKeyResponseSchemas = {
  200: CreateApiKeyResponse200Schema,
  400: CreateApiKeyResponse400Schema,
  401: CreateApiKeyResponse401Schema,
  404: CreateApiKeyResponse404Schema
}
