import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { servedContractPath } from '../paths.js'

/**
 * Serves openapi/basic-admin.served.yaml (the seed with the overlay applied, this server first in `servers`)
 * at /openapi.json, and Swagger UI for it at /docs, whose Try it out therefore calls this server.
 */
export default fp(async function swaggerPlugin (app) {
  await app.register(swagger, {
    mode: 'static',
    specification: { document: parse(readFileSync(servedContractPath, 'utf8')) }
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'swagger' })
