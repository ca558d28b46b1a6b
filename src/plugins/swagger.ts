import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { contractPath } from '../paths.js'

/** Serves openapi/basic-admin.yaml, as it is, at /openapi.json. */
export default fp(async function swaggerPlugin (app) {
  await app.register(swagger, {
    mode: 'static',
    specification: { document: parse(readFileSync(contractPath, 'utf8')) }
  })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'swagger' })
