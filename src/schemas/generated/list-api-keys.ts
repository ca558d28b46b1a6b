// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const ListApiKeysRoute = { method: 'GET', url: '/project/:id/key' } as const

export const ListApiKeysParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' })
})

export const ListApiKeysResponse200Schema = Type.Object({
  data: Type.Array(Type.Object({
    id: Type.String(),
    label: Type.String(),
    roles: Type.String(),
    is_private: Type.Boolean(),
    last_used: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false }))
}, { description: 'API keys of the project', additionalProperties: false })

export const ListApiKeysResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const ListApiKeysResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const ListApiKeysResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const ListApiKeysResponseSchemas = {
  200: ListApiKeysResponse200Schema,
  400: ListApiKeysResponse400Schema,
  401: ListApiKeysResponse401Schema,
  404: ListApiKeysResponse404Schema
}
