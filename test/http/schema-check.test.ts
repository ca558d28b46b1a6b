// The meta-schema check of route schemas: kept by every app the tests and startMockServer build, skipped by the CLI's
// serve, where the same schemas would be checked again at every start (src/http/options.ts, docs/performance.md).
import t from 'tap'
import Fastify from 'fastify'
import { fastifyOptions } from '../../src/http/options.js'
import { build } from '../helper.js'

const settings = { LOG_LEVEL: 'silent' as const, ADMIN_TOKEN: undefined }
// Compilable as it stands, but not a schema: the meta-schema wants minProperties a non-negative integer.
const notASchema = { type: 'object', minProperties: -1 }

async function readyWith (checkSchemas: boolean | undefined): Promise<void> {
  const app = Fastify(fastifyOptions(settings, { write: () => {} }, checkSchemas))
  app.post('/thing', { schema: { body: notASchema } }, async () => ({}))
  try {
    await app.ready()
  } finally {
    await app.close()
  }
}

t.test('with the check (the default), a route schema that breaks the meta-schema stops the app at ready', async t => {
  await t.rejects(readyWith(undefined), /schema is invalid: data\/minProperties must be >= 0/)
  await t.rejects(readyWith(true), /schema is invalid/)
})

t.test('without it (the build of serve), the same route compiles: the check is all the option changes', async t => {
  await t.resolves(readyWith(false))
})

t.test('every route schema of the app, the control plane\'s included, passes the meta-schema', async t => {
  // build() keeps the check; ready() compiles each route's schemas, and would reject as above.
  const { app } = await build(t, { config: { ADMIN_TOKEN: 'an-admin-token-for-the-schema-check' } })
  t.equal((await app.inject({ method: 'GET', url: '/__admin/requests', headers: { authorization: 'Bearer an-admin-token-for-the-schema-check' } })).statusCode, 200, 'the control plane is there')
})
