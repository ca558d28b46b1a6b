import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { readFileSync } from 'node:fs'
import { servedContractJsonPath } from '../paths.js'

/**
 * Serves openapi/basic-admin.served.yaml (the seed with the overlay applied, this server first in `servers`; read
 * from its JSON twin, which `npm run generate` writes beside it)
 * at /openapi.json, and Swagger UI for it at /docs with this server alone in `servers`, whose Try it out therefore
 * calls this server and nothing else.
 */
export default fp(async function swaggerPlugin (app) {
  const document = JSON.parse(readFileSync(servedContractJsonPath, 'utf8'))
  await app.register(swagger, { mode: 'static', specification: { document } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  // Swagger UI offers this server alone: one change of its dropdown would send Try it out, with the token just
  // authorised, to production or staging. /openapi.json keeps the seed's servers after this one.
  const here = (document.servers as Array<{ url: string }>).filter(server => server.url === '/')
  await app.register(swaggerUi, { routePrefix: '/docs', transformSpecification: spec => ({ ...spec, servers: here }) })
}, { name: 'swagger' })
