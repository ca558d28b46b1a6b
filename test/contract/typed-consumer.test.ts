// A typed consumer: openapi-typescript makes types from the document a running server serves, examples/typed-client.ts
// calls every operation with openapi-fetch, tsc compiles it with strict, and the compiled client runs against the server.
import t from 'tap'
import { copyFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { contractPath } from '../../src/paths.js'
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

const dir = t.testdir({ served: {}, base: {} })
const { url } = await startDemoServer(fn => { t.teardown(fn) }, dir)
const [served, base] = await Promise.all([typesThenCompile(join(dir, 'served'), `${url}/openapi.json`), typesThenCompile(join(dir, 'base'), contractPath)])

t.test('the client compiles with strict against types from the served contract, a call without a required body included', async t => {
  t.equal(served.tsc.stdout + served.tsc.stderr, '', 'tsc reports nothing')
  t.equal(served.tsc.code, 0)
  t.comment(`typed consumer: openapi-typescript ${served.types.ms} ms, tsc --strict ${served.tsc.ms} ms, 0 errors`)
})

t.test('the compiled client calls every operation against the running server', async t => {
  const run = await runNode(join(dir, 'served', 'typed-client.js'), [], { cwd: join(dir, 'served'), env: { BASE_URL: url } })
  t.equal(run.stderr, '')
  t.equal(run.code, 0)
  const summary = JSON.parse(run.stdout) as Record<string, unknown>
  t.strictSame(summary.statuses, ['200 create', '200 list', '200 verify', '200 get', '200 update', '200 regenerate', '200 delete', '200 jwks', '404 get deleted'])
  t.match(summary, { label: 'Typed client', roles: 'read,write', deleted: 'API key deleted', kid: String, notFound: 'API key not found' })
  t.match(await demoCall(url), { status: 200, json: { key: { id: 'key_demo', roles: 'admin' } } }, 'the demo key is untouched')
})

t.test('against types from the base file alone the same client does not compile: fields optional, bodies optional', async t => {
  const out = base.tsc.stdout + base.tsc.stderr
  t.not(base.tsc.code, 0)
  const codes = (code: string): number => out.split('\n').filter(line => line.includes(`error ${code}:`)).length
  t.match(out, /typed-client\.ts\(\d+,\d+\): error TS2578: Unused '@ts-expect-error' directive/, 'a call without a body compiles: nothing requires it')
  t.ok(codes('TS18048') > 0, `response fields are possibly undefined (${codes('TS18048')} errors)`)
  t.comment(`typed consumer on the base file: ${out.split('\n').filter(line => / error TS\d+:/.test(line)).length} compile errors`)
})
