// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const VerifyApiKeyRoute = { method: 'POST', url: '/project/:id/key/verify' } as const

export const VerifyApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' })
})

export const VerifyApiKeyBodySchema = Type.Object({
  key: Type.String({ description: 'The API key secret to verify' }),
  key_id: Type.Optional(Type.String({ description: 'The id the key must have' }))
}, { additionalProperties: false })

export const VerifyApiKeyResponse200Schema = Type.Object({
  is_valid: Type.Optional(Type.Boolean()),
  key: Type.Optional(Type.Object({
    id: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    roles: Type.Optional(Type.String()),
    created_at: Type.Optional(Type.String({ format: 'date-time' }))
  }))
}, { description: 'Result of the verification' })

export const VerifyApiKeyResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const VerifyApiKeyResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const VerifyApiKeyResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const VerifyApiKeyResponseSchemas = {
  200: VerifyApiKeyResponse200Schema,
  400: VerifyApiKeyResponse400Schema,
  401: VerifyApiKeyResponse401Schema,
  404: VerifyApiKeyResponse404Schema
}
