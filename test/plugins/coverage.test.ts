// The coverage plugin alone: its operations are the contract's, it names their routes, and it counts each answer in
// the world of the request, whichever that is (as it will be per namespace).
import t from 'tap'
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { parse } from 'yaml'
import { createRedactor } from '../../src/domain/redact.js'
import { badInput, notVisible } from '../../src/domain/refusal.js'
import { Refused } from '../../src/http/refusals.js'
import { contractPath } from '../../src/paths.js'
import coveragePlugin, { CONTRACT_OPERATIONS, ruleOf } from '../../src/plugins/coverage.js'
import errorsPlugin from '../../src/plugins/errors.js'
import { GetApiKeyRoute, UpdateApiKeyRoute } from '../../src/schemas/generated/index.js'
import { openWorld, type World } from '../../src/world.js'

const METHODS = ['get', 'put', 'post', 'delete', 'patch']

t.test('its operations are the contract document\'s: every method and path, with the statuses it lists', async t => {
  const document = parse(readFileSync(contractPath, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string, responses: object }>> }
  const listed = Object.entries(document.paths).flatMap(([path, item]) => METHODS.filter(m => item[m] !== undefined).map(method => ({
    method: method.toUpperCase(), path, statuses: Object.keys(item[method]!.responses).map(Number), operationId: item[method]!.operationId
  })))
  const key = (o: { method: string, path: string }) => `${o.method} ${o.path}`
  t.strictSame(CONTRACT_OPERATIONS.map(o => ({ method: o.method, path: o.path, statuses: o.statuses })).sort((a, b) => key(a).localeCompare(key(b))),
    listed.map(({ operationId, ...o }) => o).sort((a, b) => key(a).localeCompare(key(b))))
  for (const operation of listed.filter(o => o.operationId !== undefined)) {
    t.equal(CONTRACT_OPERATIONS.find(o => key(o) === key(operation))!.id, operation.operationId, `${key(operation)} keeps its operationId`)
  }
  // Named once here, as docs/coverage.md names them: an operation added to the contract shows up, and fails this.
  t.strictSame(CONTRACT_OPERATIONS.map(o => `${o.id} ${o.method} ${o.path}`).sort(), [
    'createApiKey POST /project/{id}/key',
    'deleteApiKey DELETE /project/{id}/key/{key_id}',
    'getApiKey GET /project/{id}/key/{key_id}',
    'getJsonWebKeySet GET /auth/.well-known/jwks.json',
    'listApiKeys GET /project/{id}/key',
    'regenerateApiKey POST /project/{id}/key/{key_id}/regenerate',
    'updateApiKey PATCH /project/{id}/key/{key_id}',
    'verifyApiKey POST /project/{id}/key/verify'
  ])
})

t.test('a refusal counts under its rule: a bad input\'s rule, or the refusal\'s kind', async t => {
  t.equal(ruleOf(null), null)
  t.equal(ruleOf(badInput('schema:type', undefined, 'x')), 'schema:type')
  t.equal(ruleOf(notVisible('gone')), 'not-visible')
  t.equal(ruleOf({ kind: 'missing-credentials' }), 'missing-credentials')
})

t.test('names the contract\'s routes by operationId and counts their answers in the request\'s world', async t => {
  const open = (): World => openWorld({ path: ':memory:', clock: { now: () => Date.now() }, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 })
  const worlds: Record<string, World> = { default: open(), 'team-a': open() }
  const app = Fastify({ logger: false })
  t.teardown(async () => {
    await app.close()
    for (const world of Object.values(worlds)) await world.close()
  })
  // A stand-in for the world plugin as namespaces will make it: the world the header names.
  await app.register(fp(async instance => {
    instance.decorateRequest('world', null as unknown as World)
    instance.addHook('onRequest', (request, _reply, done) => {
      request.world = worlds[String(request.headers['x-mock-namespace'] ?? 'default')]!
      done()
    })
  }, { name: 'world' }))
  await app.register(errorsPlugin, { redact: createRedactor() })
  await app.register(coveragePlugin)
  const configs: Record<string, unknown> = {}
  app.route({
    ...GetApiKeyRoute,
    handler: async (request) => {
      configs[request.method] = request.routeOptions.config.operationId
      if ((request.params as { key_id: string }).key_id === 'gone') throw new Refused(notVisible('gone'))
      return { key: {} }
    }
  })
  app.route({ ...UpdateApiKeyRoute, config: { kept: true } as object, handler: async (request) => ({ kept: (request.routeOptions.config as { kept?: boolean }).kept, id: request.routeOptions.config.operationId }) })
  app.get('/elsewhere', async () => ({}))

  t.equal((await app.inject('/project/p/key/k')).statusCode, 200)
  t.equal((await app.inject({ url: '/project/p/key/gone', headers: { 'x-mock-namespace': 'team-a' } })).statusCode, 404)
  t.equal((await app.inject({ url: '/project/p/key/k', headers: { 'x-mock-namespace': 'team-a' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'HEAD', url: '/project/p/key/k' })).statusCode, 200)
  t.strictSame((await app.inject({ method: 'PATCH', url: '/project/p/key/k' })).json(), { kept: true, id: 'updateApiKey' }, 'the route\'s own config stays')
  t.equal((await app.inject('/elsewhere')).statusCode, 200)
  t.strictSame(configs, { GET: 'getApiKey', HEAD: undefined }, 'a GET\'s HEAD twin is no operation')
  t.strictSame(worlds.default!.coverage.counts(), [
    { operation: 'getApiKey', status: 200, rule: null, count: 1 },
    { operation: 'updateApiKey', status: 200, rule: null, count: 1 }
  ])
  t.strictSame(worlds['team-a']!.coverage.counts(), [
    { operation: 'getApiKey', status: 404, rule: 'not-visible', count: 1 },
    { operation: 'getApiKey', status: 200, rule: null, count: 1 }
  ])
})
