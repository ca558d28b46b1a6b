// A typed consumer: openapi-typescript makes types from the document a running server serves, examples/typed-client.ts
// calls every operation with openapi-fetch, tsc compiles it with strict, and the compiled client runs against the server.
import t from 'tap'
import { copyFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { binOf, demoCall, ROOT, runNode, startDemoServer, type Run } from './tools.js'

const OPENAPI_TYPESCRIPT = binOf('openapi-typescript', 'openapi-typescript')
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const CLIENT = join(ROOT, 'examples', 'typed-client.ts')
const TSCONFIG = { compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, types: ['node'] }, files: ['typed-client.ts'] }

/** openapi-typescript from `spec` into `dir`, the client beside it, then tsc with strict; the tool runs as given. */
async function typesThenCompile (dir: string, spec: string): Promise<{ types: Run, tsc: Run }> {
  const types = await runNode(OPENAPI_TYPESCRIPT, [spec, '--output', join(dir, 'basic-admin.d.ts')], { cwd: dir })
  if (types.code !== 0) throw new Error(`openapi-typescript exited ${types.code}: ${types.stdout} ${types.stderr}`)
  copyFileSync(CLIENT, join(dir, 'typed-client.ts'))
  // In a folder of the package (tap's testdir), so openapi-fetch and @types/node resolve from its node_modules.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG))
  return { types, tsc: await runNode(TSC, ['-p', dir], { cwd: dir }) }
}

const dir = t.testdir()
const { url } = await startDemoServer(fn => { t.teardown(fn) }, dir)
const served = await typesThenCompile(dir, `${url}/openapi.json`)

// The client checks itself: were a response field optional, reading it without `?.` would not compile under strict;
// were a request body optional, its @ts-expect-error would be unused (TS2578). Against types from the base file
// alone it fails both ways (16 errors when this was written).
t.test('the client compiles with strict against types from the served contract, a call without a required body included', async t => {
  t.equal(served.tsc.stdout + served.tsc.stderr, '', 'tsc reports nothing')
  t.equal(served.tsc.code, 0)
  t.comment(`typed consumer: openapi-typescript ${served.types.ms} ms, tsc --strict ${served.tsc.ms} ms, 0 errors`)
})

t.test('the compiled client calls every operation against the running server', async t => {
  const run = await runNode(join(dir, 'typed-client.js'), [], { cwd: dir, env: { BASE_URL: url } })
  t.equal(run.stderr, '')
  t.equal(run.code, 0)
  const summary = JSON.parse(run.stdout) as Record<string, unknown>
  t.strictSame(summary.statuses, ['200 create', '200 list', '200 verify', '200 get', '200 update', '200 regenerate', '200 delete', '200 jwks', '404 get deleted'])
  t.match(summary, { label: 'Typed client', roles: 'read,write', deleted: 'API key deleted', kid: String, notFound: 'API key not found' })
  t.match(await demoCall(url), { status: 200, json: { key: { id: 'key_demo', roles: 'admin' } } }, 'the demo key is untouched')
})
