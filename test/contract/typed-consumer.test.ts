// A typed consumer, by the recipe of docs/contract.md: a project of its own installs openapi-typescript with
// TypeScript 5 (openapi-typescript 7 does not run with TypeScript 7), makes types from the document a running server
// serves, compiles examples/typed-client.ts (every operation, called with openapi-fetch) with strict, and runs it
// against that server.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { demoCall, labScratch, runRecipe, startDemoServer } from './tools.js'

const { url } = await startDemoServer(fn => { t.teardown(fn) }, t.testdir())
const dir = labScratch(fn => { t.teardown(fn) }, 'typed-client')
const run = await runRecipe('contract-typed-client', dir, url, ['examples/typed-client.ts'])

// The client checks itself: were a response field optional, reading it without `?.` would not compile under strict;
// were a request body optional, its @ts-expect-error would be unused (TS2578). Against types from the base file
// alone it fails both ways (16 errors when this was written).
t.test('the client compiles with strict against types from the served contract, calls without a required body pinned', async t => {
  t.equal(run.code, 0, `the recipe exits 0 (tsc reports nothing): ${run.stdout}`)
  const types = readFileSync(join(dir, 'typed-client', 'basic-admin.d.ts'), 'utf8')
  t.equal(types.match(/requestBody: \{/g)?.length, 3, 'create, verify and PATCH take a body that is not optional')
  t.notOk(/requestBody\?: \{/.test(types), 'no optional body')
  t.match(readFileSync(join(dir, 'typed-client', 'typed-client.ts'), 'utf8'), /\/\/ @ts-expect-error Create needs a body\n\s+await client\.POST\('\/project\/\{id\}\/key', \{ params: \{ path: project \} \}\)/)
})

t.test('the project installed what the page says: openapi-typescript 7 with TypeScript 5, and openapi-fetch', async t => {
  const project = join(dir, 'typed-client')
  const versionOf = (name: string): string => (JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  t.match(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')), { type: 'module', dependencies: { 'openapi-fetch': String }, devDependencies: { 'openapi-typescript': /^\^7\./, typescript: /^\^5\./ } })
  t.match(versionOf('typescript'), /^5\./, 'TypeScript 5')
  t.match(versionOf('openapi-typescript'), /^7\./, 'openapi-typescript 7')
  t.comment(`typed client: openapi-typescript ${versionOf('openapi-typescript')}, typescript ${versionOf('typescript')}, openapi-fetch ${versionOf('openapi-fetch')}`)
})

t.test('the compiled client calls every operation against the running server', async t => {
  const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>
  t.strictSame(summary.statuses, ['200 create', '200 list', '200 verify', '200 get', '200 update', '200 regenerate', '200 delete', '200 jwks', '404 get deleted'])
  t.match(summary, { label: 'Typed client', roles: 'read,write', deleted: 'API key deleted', kid: String, notFound: 'API key not found' })
  t.match(await demoCall(url), { status: 200, json: { key: { id: 'key_demo', roles: 'admin' } } }, 'the demo key is untouched')
  t.comment(`typed consumer: openapi-typescript, tsc --strict (0 errors) and 9 calls in ${run.ms} ms`)
})
