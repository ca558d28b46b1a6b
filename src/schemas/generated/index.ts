// Generated from openapi/basic-admin.yaml with openapi/basic-admin.overlay.yaml applied, by
// `npm run generate` (scripts/generate-schemas.ts). Do not edit: change the overlay and regenerate.

export * from './list-api-keys.js'
export * from './create-api-key.js'
export * from './verify-api-key.js'
export * from './get-api-key.js'
export * from './delete-api-key.js'
export * from './update-api-key.js'
export * from './regenerate-api-key.js'
export * from './get-json-web-key-set.js'
