// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const DeleteApiKeyRoute = { method: 'DELETE', url: '/project/:id/key/:key_id' } as const

export const DeleteApiKeyParamsSchema = Type.Object({
  id: Type.String({ description: 'Unique identifier of the project' }),
  key_id: Type.String({ description: 'Unique identifier of the API key to delete (Create API key answers it). The example, key_demo_delete, is a disposable key of the demo data: deleting it leaves the demo key alone, and a reset puts it back.' })
})

export const DeleteApiKeyResponse200Schema = Type.Object({
  message: Type.String()
}, { description: 'API key deleted successfully', additionalProperties: false })

export const DeleteApiKeyResponse400Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Bad Request - Invalid input', additionalProperties: false })

export const DeleteApiKeyResponse401Schema = Type.Object({
  error: Type.String(),
  message: Type.String()
}, { description: 'Unauthorized - Invalid or missing authentication', additionalProperties: false })

export const DeleteApiKeyResponse404Schema = Type.Object({
  error: Type.String()
}, { description: 'API key not found', additionalProperties: false })

export const DeleteApiKeyResponseSchemas = {
  200: DeleteApiKeyResponse200Schema,
  400: DeleteApiKeyResponse400Schema,
  401: DeleteApiKeyResponse401Schema,
  404: DeleteApiKeyResponse404Schema
}
