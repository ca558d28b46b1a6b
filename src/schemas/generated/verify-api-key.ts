// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

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
  is_valid: Type.Boolean(),
  key: Type.Optional(Type.Object({
    id: Type.String(),
    label: Type.String(),
    roles: Type.String(),
    created_at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false }))
}, { description: 'Result of the verification', additionalProperties: false })

export const VerifyApiKeyResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const VerifyApiKeyResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const VerifyApiKeyResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const VerifyApiKeyResponseSchemas = {
  200: VerifyApiKeyResponse200Schema,
  400: VerifyApiKeyResponse400Schema,
  401: VerifyApiKeyResponse401Schema,
  404: VerifyApiKeyResponse404Schema
}
