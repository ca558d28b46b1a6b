// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const RegenerateApiKeyRoute = { method: 'POST', url: '/project/:id/key/:key_id/regenerate' } as const

export const RegenerateApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to regenerate (Create API key answers it). The example, key_demo_regenerate, is a disposable key of the demo data: regenerating it leaves the demo key\'s secret working, and a reset puts its own back.' })
})

export const RegenerateApiKeyResponse200Schema = Type.Object({
  key: Type.Object({
    id: Type.String(),
    label: Type.String(),
    roles: Type.String(),
    value: Type.String(),
    is_private: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false })
}, { description: 'API key regenerated successfully', additionalProperties: false })

export const RegenerateApiKeyResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const RegenerateApiKeyResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const RegenerateApiKeyResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const RegenerateApiKeyResponseSchemas = {
  200: RegenerateApiKeyResponse200Schema,
  400: RegenerateApiKeyResponse400Schema,
  401: RegenerateApiKeyResponse401Schema,
  404: RegenerateApiKeyResponse404Schema
}
