// Swagger UI at /docs: the page, the spec it is given, and /openapi.json left as the contract.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { build } from '../helper.js'
import { contractPath } from '../../src/paths.js'
import { DOCS_SERVER } from '../../src/plugins/swagger.js'

interface Spec { servers: Array<{ url: string }>, paths: Record<string, Record<string, unknown>> }

const contract = parse(readFileSync(contractPath, 'utf8')) as Spec

function operations (spec: Spec): string[] {
  return Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map(method => `${method.toUpperCase()} ${path}`)).sort()
}

t.test('GET /docs answers the Swagger UI page, whose assets the server itself serves', async t => {
  const { app } = await build(t)
  for (const url of ['/docs', '/docs/']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /^text\/html/, url)
    t.match(res.body, /<div id="swagger-ui">/, url)
  }
  for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.css', 'swagger-initializer.js']) {
    const res = await app.inject(`/docs/static/${asset}`)
    t.equal(res.statusCode, 200, asset)
  }
})

t.test('the spec Swagger UI loads lists every operation of the contract and this server first', async t => {
  const { app } = await build(t)
  const res = await app.inject('/docs/json')
  t.equal(res.statusCode, 200)
  const spec = res.json() as Spec
  t.strictSame(operations(spec), operations(contract), 'the same operations as openapi/basic-admin.yaml')
  t.strictSame(spec.servers, [DOCS_SERVER, ...contract.servers], "this server, then the contract's own")
  t.strictSame({ ...spec, servers: contract.servers }, contract, 'otherwise the contract as it is')
})

t.test('/openapi.json still serves the contract unchanged after /docs has been loaded', async t => {
  const { app } = await build(t)
  await app.inject('/docs/json')
  await app.inject('/docs/yaml')
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), contract)
})

t.test('an unknown path under /docs answers the usual 404 {error, message}', async t => {
  const { app } = await build(t)
  for (const url of ['/docs/nope', '/docs/static/nope.js', '/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/package.json']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 404, url)
    t.strictSame(Object.keys(res.json()), ['error', 'message'], url)
  }
})
