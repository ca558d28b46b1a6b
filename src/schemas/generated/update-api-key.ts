// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const UpdateApiKeyRoute = { method: 'PATCH', url: '/project/:id/key/:key_id' } as const

export const UpdateApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to update' })
})

export const UpdateApiKeyBodySchema = Type.Object({
  label: Type.Optional(Type.String({ description: 'New label for the API key: 1 to 255 characters once surrounding whitespace is trimmed (it is stored trimmed), no control characters', minLength: 1, pattern: '^[^\\S\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F](?:[^\\x00-\\x1F\\x7F-\\x9F]{0,253}[^\\s\\x00-\\x1F\\x7F-\\x9F])?[^\\S\\x00-\\x1F\\x7F-\\x9F]*$' })),
  roles: Type.Optional(Type.String({ description: 'Comma-separated role names of letters, digits and : _ . * - (e.g. admin, read, app:db:read); whitespace around names is trimmed, duplicates are dropped (first seen is kept), at most 32 distinct roles. Only keys with the admin role may manage the project\'s keys.', minLength: 1, pattern: '^\\s*[A-Za-z0-9:_.*-]+\\s*(?:,\\s*[A-Za-z0-9:_.*-]+\\s*)*$' }))
}, { minProperties: 1, additionalProperties: false })

export const UpdateApiKeyResponse200Schema = Type.Object({
  key: Type.Object({
    id: Type.String(),
    label: Type.String(),
    roles: Type.String(),
    updated_at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false })
}, { description: 'API key updated successfully', additionalProperties: false })

export const UpdateApiKeyResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const UpdateApiKeyResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const UpdateApiKeyResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const UpdateApiKeyResponseSchemas = {
  200: UpdateApiKeyResponse200Schema,
  400: UpdateApiKeyResponse400Schema,
  401: UpdateApiKeyResponse401Schema,
  404: UpdateApiKeyResponse404Schema
}
