// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

import { Type } from '@sinclair/typebox'

export const GetJsonWebKeySetRoute = { method: 'GET', url: '/auth/.well-known/jwks.json' } as const

export const GetJsonWebKeySetResponse200Schema = Type.Object({
  keys: Type.Optional(Type.Array(Type.Object({
    kty: Type.Optional(Type.String()),
    kid: Type.Optional(Type.String()),
    alg: Type.Optional(Type.String()),
    use: Type.Optional(Type.String()),
    n: Type.Optional(Type.String()),
    e: Type.Optional(Type.String())
  })))
}, { description: 'JSON Web Key Set' })

export const GetJsonWebKeySetResponseSchemas = {
  200: GetJsonWebKeySetResponse200Schema
}
