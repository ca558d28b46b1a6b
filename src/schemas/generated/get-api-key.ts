// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const GetApiKeyRoute = { method: 'GET', url: '/project/:id/key/:key_id' } as const

export const GetApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to read' })
})

export const GetApiKeyResponse200Schema = Type.Object({
  key: Type.Object({
    id: Type.String(),
    label: Type.String(),
    roles: Type.String(),
    created_at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false })
}, { description: 'The API key', additionalProperties: false })

export const GetApiKeyResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const GetApiKeyResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const GetApiKeyResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const GetApiKeyResponseSchemas = {
  200: GetApiKeyResponse200Schema,
  400: GetApiKeyResponse400Schema,
  401: GetApiKeyResponse401Schema,
  404: GetApiKeyResponse404Schema
}
