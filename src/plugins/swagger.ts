import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { contractPath } from '../paths.js'

/** The server Swagger UI lists first: relative, so the browser resolves it against the address it loaded /docs from. */
export const DOCS_SERVER = { url: '/', description: 'This mock server (the address serving these docs)' }

/** Serves openapi/basic-admin.yaml, as it is, at /openapi.json, and Swagger UI for it at /docs. */
export default fp(async function swaggerPlugin (app) {
  await app.register(swagger, {
    mode: 'static',
    specification: { document: parse(readFileSync(contractPath, 'utf8')) }
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Try it out uses the first server; the contract's first is production, so the UI's copy leads with this one.
    transformSpecification: spec => ({ ...spec, servers: [DOCS_SERVER, ...(spec.servers ?? [])] })
  })
}, { name: 'swagger' })
