// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const CreateApiKeyRoute = { method: 'POST', url: '/project/:id/key' } as const

export const CreateApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' })
})

export const CreateApiKeyBodySchema = Type.Object({
  label: Type.String({ description: 'Label of the API key: 1 to 255 characters once surrounding whitespace is trimmed (it is stored trimmed), no control characters', minLength: 1, pattern: '^[^\\S\\x00-\\x1F\\x7F-\\x9F]*[^\\s\\x00-\\x1F\\x7F-\\x9F](?:[^\\x00-\\x1F\\x7F-\\x9F]{0,253}[^\\s\\x00-\\x1F\\x7F-\\x9F])?[^\\S\\x00-\\x1F\\x7F-\\x9F]*$' }),
  roles: Type.String({ description: 'Comma-separated role names of letters, digits and : _ . * - (e.g. admin, read, app:db:read); whitespace around names is trimmed, duplicates are dropped (first seen is kept), at most 32 distinct roles. Only keys with the admin role may manage the project\'s keys.', minLength: 1, pattern: '^\\s*[A-Za-z0-9:_.*-]+\\s*(?:,\\s*[A-Za-z0-9:_.*-]+\\s*)*$' })
}, { additionalProperties: false })

export const CreateApiKeyResponse200Schema = Type.Object({
  key: Type.Object({
    id: Type.String(),
    label: Type.String(),
    roles: Type.String(),
    value: Type.String(),
    created_at: Type.String({ format: 'date-time' })
  }, { additionalProperties: false })
}, { description: 'API key created successfully', additionalProperties: false })

export const CreateApiKeyResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const CreateApiKeyResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const CreateApiKeyResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const CreateApiKeyResponseSchemas = {
  200: CreateApiKeyResponse200Schema,
  400: CreateApiKeyResponse400Schema,
  401: CreateApiKeyResponse401Schema,
  404: CreateApiKeyResponse404Schema
}
