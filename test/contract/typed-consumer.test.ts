// A typed consumer, by the recipe of docs/contract.md: openapi-typescript makes types from the document a running
// server serves, tsc compiles examples/typed-client.ts (every operation, called with openapi-fetch) with strict, and
// the compiled client runs against that server.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { demoCall, runRecipe, startDemoServer } from './tools.js'

const dir = t.testdir()
const { url } = await startDemoServer(fn => { t.teardown(fn) }, dir)
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

t.test('the compiled client calls every operation against the running server', async t => {
  const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>
  t.strictSame(summary.statuses, ['200 create', '200 list', '200 verify', '200 get', '200 update', '200 regenerate', '200 delete', '200 jwks', '404 get deleted'])
  t.match(summary, { label: 'Typed client', roles: 'read,write', deleted: 'API key deleted', kid: String, notFound: 'API key not found' })
  t.match(await demoCall(url), { status: 200, json: { key: { id: 'key_demo', roles: 'admin' } } }, 'the demo key is untouched')
  t.comment(`typed consumer: openapi-typescript, tsc --strict (0 errors) and 9 calls in ${run.ms} ms`)
})
