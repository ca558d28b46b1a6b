// Generated from openapi/basic-admin.yaml by `npm run generate` (scripts/generate-schemas.ts).
// Do not edit: change the contract and regenerate. Request bodies are closed
// (additionalProperties: false) because the server rejects unknown properties.

export * from './update-api-key.js'
