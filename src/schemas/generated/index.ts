// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

export * from './list-api-keys.js'
export * from './create-api-key.js'
export * from './verify-api-key.js'
export * from './get-api-key.js'
export * from './delete-api-key.js'
export * from './update-api-key.js'
export * from './regenerate-api-key.js'
export * from './get-json-web-key-set.js'
