import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { applyOverlay, contractPath, generateAll, generateSchemas, outputDir, overlayPath, root, servedContractJsonPath, servedContractPath } from '../../scripts/generate-schemas.js'
import { DEMO_FIXTURE, DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { OPERATION_IDS } from '../../src/plugins/coverage.js'
import { build } from '../helper.js'
import { labScratch, runRecipe } from '../contract/tools.js'

type Schema = { type?: string, properties?: Record<string, Schema>, items?: Schema, required?: string[], additionalProperties?: unknown }
type Operation = { operationId?: string, 'x-mock-operation-id'?: string, tags?: string[], parameters?: Array<{ name: string, example?: unknown }>, requestBody?: { required?: boolean, content: Record<string, { schema: Schema, example?: unknown }> }, responses: Record<string, { content: Record<string, { schema: Schema }> }> }
interface Document { servers: Array<{ url: string }>, tags: Array<{ name: string }>, paths: Record<string, Record<string, Operation>>, components: unknown }

const METHODS = ['get', 'put', 'post', 'delete', 'patch']
const served = parse(readFileSync(servedContractPath, 'utf8')) as Document
const operations = (document: Document): Array<[string, Operation]> => Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).filter(([method]) => METHODS.includes(method)).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation]))

t.test('the committed served contract and schemas are exactly what `npm run generate` makes from the base and the overlay', async t => {
  const fresh = await generateAll()
  t.strictSame(readdirSync(outputDir).map(name => join(outputDir, name)).sort(), [...fresh.keys()].filter(path => path.startsWith(outputDir)).sort(), 'no missing or stale files')
  t.ok(fresh.has(servedContractPath), 'the served contract is one of them')
  for (const [path, content] of fresh) {
    t.equal(readFileSync(path, 'utf8'), content, `${path.slice(root.length + 1)} is up to date (run npm run generate)`)
  }
})

t.test('the JSON twin the server reads at start is the served YAML document, value for value', async t => {
  t.strictSame(JSON.parse(readFileSync(servedContractJsonPath, 'utf8')), served)
})

t.test('the generator refuses contract keywords it would drop, and request bodies the contract leaves open', async t => {
  const contract = (schema: object): string => JSON.stringify({
    paths: { '/x': { get: { summary: 'X', responses: { 200: { content: { 'application/json': { schema } } } } } } }
  })
  t.throws(() => generateSchemas(contract({ type: 'object', oneOf: [] })), /unsupported keyword "oneOf"/)
  t.throws(() => generateSchemas(contract({ type: 'file' })), /unsupported type file/)
  const nullable = generateSchemas(contract({ type: 'object', required: ['a'], properties: { a: { type: 'string', nullable: true }, b: { type: 'array', items: { type: 'integer' } } } }))
  t.match(nullable.get('x.ts'), 'a: Type.Union([Type.String(), Type.Null()]),\n  b: Type.Optional(Type.Array(Type.Integer()))')
  const open = JSON.stringify({ paths: { '/x': { post: { summary: 'X', requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: {} } } } })
  t.throws(() => generateSchemas(open), /X: the request body schema must have additionalProperties: false/)
})

t.test('applying the overlay fails on an action that changes nothing, or on another overlay version', async t => {
  const base = readFileSync(contractPath, 'utf8')
  await t.rejects(applyOverlay(base, 'overlay: 1.0.0\ninfo: {title: x, version: 1}\nactions:\n  - target: "$.paths[\'/nope\']"\n    update: {summary: x}\n'),
    { message: 'overlay actions that changed nothing: $.paths[\'/nope\']' })
  await t.rejects(applyOverlay(base, 'overlay: 1.1.0\ninfo: {title: x, version: 1}\nactions: []\n'), { message: 'the overlay must be an Overlay 1.0.0 document, not 1.1.0' })
  t.match(readFileSync(overlayPath, 'utf8'), /^overlay: 1\.0\.0$/m)
})

t.test('the openapi-format command docs/contract.md gives makes the same served document', async t => {
  const dir = labScratch(fn => { t.teardown(fn) }, 'apply-overlay')
  const run = await runRecipe('contract-apply-overlay', dir, 'http://unused', ['openapi/basic-admin.yaml', 'openapi/basic-admin.overlay.yaml'])
  t.equal(run.code, 0, `openapi-format exits 0: ${run.stderr}`)
  t.strictSame(parse(readFileSync(join(dir, 'basic-admin.served.yaml'), 'utf8')), served)
})

// The seed of the shared contract sits beside the clone (as in CI); the copy here must stay verbatim.
const seed = join(root, '..', 'shared', 'contract', 'update-api-key.seed.yaml')
t.test('openapi/basic-admin.yaml holds the seed\'s PATCH operation and top-level parts verbatim', { skip: !existsSync(seed) && 'no shared/ beside this clone' }, async t => {
  const ours = parse(readFileSync(contractPath, 'utf8'))
  const theirs = parse(readFileSync(seed, 'utf8'))
  t.strictSame(ours.paths['/project/{id}/key/{key_id}'].patch, theirs.paths['/project/{id}/key/{key_id}'].patch)
  for (const part of ['openapi', 'info', 'servers', 'security', 'tags', 'externalDocs', 'components']) t.strictSame(ours[part], theirs[part], part)
})

t.test('the served contract states what the server enforces', async t => {
  for (const [name, operation] of operations(served)) {
    const body = operation.requestBody
    if (body !== undefined) {
      t.equal(body.required, true, `${name}: the request body is required`)
      t.equal(body.content['application/json']?.schema.additionalProperties, false, `${name}: the request body is closed`)
      t.type(body.content['application/json']?.example, 'object', `${name}: the request body has an example`)
    }
    for (const parameter of operation.parameters ?? []) t.type(parameter.example, 'string', `${name}: ${parameter.name} has an example`)
    for (const [status, response] of Object.entries(operation.responses)) {
      const open: string[] = []
      const walk = (schema: Schema, at: string): void => {
        if (schema.type === 'object') {
          const properties = Object.keys(schema.properties ?? {})
          if (schema.additionalProperties !== false || !Array.isArray(schema.required) || schema.required.some(p => !properties.includes(p))) open.push(at)
          for (const [property, child] of Object.entries(schema.properties ?? {})) walk(child, `${at}.${property}`)
        }
        if (schema.items !== undefined) walk(schema.items, `${at}[]`)
      }
      walk(response.content['application/json']!.schema, status)
      t.strictSame(open, [], `${name}: every object of every response lists required and is closed`)
    }
  }
  const ids = operations(served).filter(([name]) => name !== 'PATCH /project/{id}/key/{key_id}').map(([, operation]) => operation.operationId)
  t.strictSame(ids, ['createApiKey', 'listApiKeys', 'verifyApiKey', 'getApiKey', 'deleteApiKey', 'regenerateApiKey', 'getJsonWebKeySet'], 'every reconstructed operation has an operationId')
  const used = new Set(operations(served).flatMap(([, operation]) => operation.tags ?? []))
  t.strictSame(served.tags.map(tag => tag.name), ['auth', 'project-keys'], 'only the tags some operation uses, in the seed\'s order')
  t.ok(served.tags.every(tag => used.has(tag.name)))
  t.strictSame(served.servers.map(server => server.url), ['/', 'https://api.basic.tech', 'https://beta.api.basic.tech', 'http://localhost:3003'], 'this server first, then the seed\'s')
})

t.test('the examples keep the demo key usable: none touches key_demo but to read it or rename it keeping admin', async t => {
  const examples = operations(served).map(([name, operation]) => [name, Object.fromEntries((operation.parameters ?? []).map(p => [p.name, p.example])), operation.requestBody?.content['application/json']?.example])
  t.strictSame(examples, [
    ['POST /project/{id}/key', { id: 'proj_demo' }, { label: 'Created from the docs', roles: 'read,app:db:read' }],
    ['GET /project/{id}/key', { id: 'proj_demo' }, undefined],
    ['POST /project/{id}/key/verify', { id: 'proj_demo' }, { key: DEMO_KEY_SECRET, key_id: 'key_demo' }],
    ['GET /project/{id}/key/{key_id}', { id: 'proj_demo', key_id: 'key_demo' }, undefined],
    ['PATCH /project/{id}/key/{key_id}', { id: 'proj_demo', key_id: 'key_demo' }, { label: 'Renamed from the docs', roles: 'admin,read' }],
    ['DELETE /project/{id}/key/{key_id}', { id: 'proj_demo', key_id: 'key_demo_delete' }, undefined],
    ['POST /project/{id}/key/{key_id}/regenerate', { id: 'proj_demo', key_id: 'key_demo_regenerate' }, undefined],
    ['GET /auth/.well-known/jwks.json', {}, undefined]
  ])
  // Delete and regenerate act on keys of the demo data that are neither the demo key nor admin, so a default run of a
  // generator (Portman, Dredd) finds them, and destroying them leaves the demo key able to manage keys.
  const demoKeys = DEMO_FIXTURE.projects![0]!.keys!
  for (const id of ['key_demo_delete', 'key_demo_regenerate']) t.match(demoKeys.find(key => key.id === id), { id, roles: 'read' }, `${id} is a disposable demo key`)
})

t.test('every operation has a name a user finds in the served contract: its operationId, or for the seed\'s PATCH an x-mock-operation-id', async t => {
  const names = operations(served).map(([name, operation]) => [name, operation.operationId ?? operation['x-mock-operation-id']])
  t.strictSame(names.map(([, id]) => id).sort(), [...OPERATION_IDS].sort(), 'the names the journal, faults and coverage use')
  const patch = served.paths['/project/{id}/key/{key_id}']!.patch!
  t.equal(patch.operationId, undefined, 'the seed\'s PATCH keeps no operationId')
  t.equal(patch['x-mock-operation-id'], 'updateApiKey')
  t.strictSame(operations(served).filter(([, operation]) => operation['x-mock-operation-id'] !== undefined).map(([name]) => name), ['PATCH /project/{id}/key/{key_id}'], 'only there')
})

t.test('/openapi.json serves the served contract as it is', async t => {
  const { app } = await build(t)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), served)
})
