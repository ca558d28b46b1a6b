// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

import { Type } from '@sinclair/typebox'

export const GetJsonWebKeySetRoute = { method: 'GET', url: '/auth/.well-known/jwks.json' } as const

export const GetJsonWebKeySetResponse200Schema = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.String(),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.String(),
    n: Type.String(),
    e: Type.String()
  }, { additionalProperties: false }))
}, { description: 'JSON Web Key Set', additionalProperties: false })

export const GetJsonWebKeySetResponseSchemas = {
  200: GetJsonWebKeySetResponse200Schema
}
