// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const ListApiKeysRoute = { method: 'GET', url: '/project/:id/key' } as const

export const ListApiKeysParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' })
})

export const ListApiKeysResponse200Schema = Type.Object({
  data: Type.Optional(Type.Array(Type.Object({
    id: Type.Optional(Type.String()),
    label: Type.Optional(Type.String()),
    roles: Type.Optional(Type.String()),
    is_private: Type.Optional(Type.Boolean()),
    last_used: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    created_at: Type.Optional(Type.String({ format: 'date-time' }))
  })))
}, { description: 'API keys of the project' })

export const ListApiKeysResponse400Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Bad Request - Invalid input' })

export const ListApiKeysResponse401Schema = Type.Object({
  error: Type.Optional(Type.String()),
  message: Type.Optional(Type.String())
}, { description: 'Unauthorized - Invalid or missing authentication' })

export const ListApiKeysResponse404Schema = Type.Object({
  error: Type.Optional(Type.String())
}, { description: 'API key not found' })

export const ListApiKeysResponseSchemas = {
  200: ListApiKeysResponse200Schema,
  400: ListApiKeysResponse400Schema,
  401: ListApiKeysResponse401Schema,
  404: ListApiKeysResponse404Schema
}
