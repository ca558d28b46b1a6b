// The package as a consumer gets it: npm pack, npm install of the tarball into a fresh project, import, type-check.
import t from 'tap'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lockedVersion, pack, preseed, ROOT, run as runIn, type Run } from './project.js'

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string, version: string }
for (const built of ['dist/src/index.js', 'dist/src/index.d.ts']) {
  if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run npm run build first`)
}

const timings: string[] = []

/** Runs a command as a consumer's shell would, noting how long it took. */
async function run (command: string, args: string[], cwd: string): Promise<Run> {
  const result = await runIn(command, args, cwd)
  timings.push(`${[command, ...args].join(' ').replace(ROOT, '').slice(0, 40)}: ${(result.ms / 1000).toFixed(1)} s`)
  return result
}

const CONSUMER_TEST = `import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startMockServer } from 'basic-admin-mock'

test('a consumer starts the mock, renames the demo key with a user token, and closes it', async () => {
  const mock = await startMockServer()
  try {
    const res = await fetch(mock.url + '/project/proj_demo/key/key_demo', {
      method: 'PATCH',
      headers: { authorization: 'Bearer ' + mock.token('user_demo'), 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Renamed by a consumer' })
    })
    assert.equal(res.status, 200)
    const body = await res.json()
    assert.deepEqual(body, { key: { id: 'key_demo', label: 'Renamed by a consumer', roles: 'admin', updated_at: body.key.updated_at } })
  } finally {
    await mock.close()
  }
  await assert.rejects(fetch(mock.url + '/health'), 'nothing listens after close()')
})
`

// Compiled only: every public type is used, and the expect-errors fail if the types were any.
const CONSUMER_TS = `import { startMockServer, type CreatedKey, type MockServer } from 'basic-admin-mock'

const mock: MockServer = await startMockServer({ fixture: 'fixture.json', clock: '2030-01-01T00:00:00.000Z', logLevel: 'warn' })
const token: string = mock.token('user_a', { alg: 'RS256', expiresIn: '5m' })
const key: CreatedKey = mock.createKey('proj_demo', 'CI', 'admin')
const res: Response = await fetch(mock.url + '/project/proj_demo/key/' + key.id, { method: 'PATCH', headers: { authorization: 'Bearer ' + token } })
export const status: number = res.status
await mock.reset()
await mock.close()
// @ts-expect-error a user id is a string
mock.token(42)
// @ts-expect-error only HS256 and RS256
mock.token('user_a', { alg: 'none' })
// @ts-expect-error no such option
await startMockServer({ prot: 3003 })
`

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] },
  files: ['consumer.ts']
}

t.test('the packed tarball installs into a fresh project, which imports, runs and type-checks startMockServer', async t => {
  // Outside the project, so nothing can resolve from this project's node_modules by accident.
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-mock-consumer-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const consumer = join(dir, 'consumer')
  const started = Date.now()

  const packed = await pack(dir)
  timings.push(`npm pack: ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const files = packed.files
  t.same(files.filter(f => !/^(package\.json|README\.md|LICENSE|dist\/src\/.+\.(js|d\.ts|js\.map)|migrations\/\d{3}_\w+\.sql|openapi\/[\w.-]+\.(yaml|json))$/.test(f)), [], 'only the package, its build, migrations and contract')
  for (const file of ['package.json', 'LICENSE', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/mock-server.d.ts', 'dist/src/cli.js', 'migrations/001_initial.sql', 'openapi/basic-admin.yaml', 'openapi/basic-admin.served.yaml', 'openapi/basic-admin.served.json']) {
    t.ok(files.includes(file), `ships ${file}`)
  }
  t.notOk(files.some(f => f.startsWith('test/') || f.startsWith('src/') || /\.db(-wal|-shm)?$/.test(f)), 'no tests, sources or databases')

  mkdirSync(join(consumer, 'node_modules'), { recursive: true })
  // A TypeScript consumer on Node has its own @types/node (and its undici-types); the package must need nothing else.
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', devDependencies: { '@types/node': lockedVersion('@types/node') } }, null, 2))
  preseed(consumer, ['@types/node', 'undici-types'])
  const install = await run('npm', ['install', join(dir, packed.filename), '--offline', '--no-audit', '--no-fund'], consumer)
  t.equal(install.code, 0, 'npm install of the tarball succeeds offline', { stderr: install.stderr })
  t.match(JSON.parse(readFileSync(join(consumer, 'package.json'), 'utf8')), { dependencies: { [pkg.name]: `file:../${packed.filename}` } }, 'saved as a dependency')
  const installed = join(consumer, 'node_modules', pkg.name)
  t.equal(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version, pkg.version, 'this version is installed')
  t.match(readFileSync(join(installed, 'dist', 'src', 'index.d.ts'), 'utf8'), /export \{ startMockServer,/, 'the .d.ts exports startMockServer')
  // basic-admin-mock/testcontainers ships, but its testcontainers (an optional peer) comes only when the consumer asks.
  t.match(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')), { exports: { './testcontainers': { default: './dist/src/testcontainers/index.js' } }, peerDependenciesMeta: { testcontainers: { optional: true } } }, 'basic-admin-mock/testcontainers is exported, testcontainers an optional peer')
  t.ok(existsSync(join(installed, 'dist', 'src', 'testcontainers', 'index.js')), 'the Testcontainers module ships')
  t.notOk(existsSync(join(consumer, 'node_modules', 'testcontainers')), 'installing the server does not install testcontainers')
  const tree = await run('npm', ['ls', '--all', '--offline'], consumer)
  t.equal(tree.code, 0, "the consumer's dependency tree is complete", { stdout: tree.stdout, stderr: tree.stderr })

  writeFileSync(join(consumer, 'consumer.test.mjs'), CONSUMER_TEST)
  // TAP named explicitly: from Node 23 the default reporter is spec even when stdout is not a terminal.
  const test = await run(process.execPath, ['--test', '--test-reporter=tap', 'consumer.test.mjs'], consumer)
  t.equal(test.code, 0, 'the consumer test passes', { stdout: test.stdout, stderr: test.stderr })
  t.match(test.stdout, /^# pass 1$/m)
  t.match(test.stdout, /^# fail 0$/m)

  const help = await run(join(consumer, 'node_modules', '.bin', 'basic-admin-mock'), ['help'], consumer)
  t.equal(help.code, 0, 'the bin exits 0', { stderr: help.stderr })
  t.match(help.stdout, /^Usage: basic-admin-mock/, 'the bin is linked and runs')

  writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_TS)
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2))
  const tsc = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], consumer)
  t.equal(tsc.code, 0, 'tsc accepts the consumer', { stdout: tsc.stdout, stderr: tsc.stderr })
  t.equal(tsc.stdout, '', 'strict, without skipLibCheck: the shipped types and the types they import are complete')

  t.comment(`pack, install, run and type-check took ${((Date.now() - started) / 1000).toFixed(1)} s (${timings.join('; ')})`)
})
