// The server as users start it (`npm start` is `node dist/src/cli.js serve`): a real process on a real port.
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from './helper.js'
import { patch, spawnCli, startServer, withTimeout, type Tap } from './process/harness.js'
import { patience } from './patience.js'

const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const DEMO_SECRET_WARNING = /WARNING: JWT_SECRET is not set/
const DEMO_SECRET = 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem'

/** Runs a shell line (the printed curl) with a plain PATH; never longer than 10 s. */
function shell (t: Tap, line: string): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn('/bin/bash', ['-c', line], { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  return withTimeout(new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr }))), patience(1_000), line)
}

function tables (path: string): Record<string, unknown[]> {
  return Object.fromEntries(['users', 'projects', 'project_members', 'api_keys'].map(table => [table, query(path, `SELECT * FROM ${table} ORDER BY 1, 2`)]))
}

t.test('npm start on an empty data dir prints a curl that works, and a restart keeps what it did', async t => {
  const dir = t.testdir()
  const path = join(dir, 'data', 'basic-admin.db')
  let renamedAt = 0
  let before: Record<string, unknown[]> = {}

  await t.test('the printed curl renames the demo key', async t => {
    const server = await startServer(t, { DATABASE_PATH: path })
    const curl = await server.waitForLine(line => line.startsWith('curl '), 'the curl line')
    t.equal(server.lines[server.lines.indexOf(curl) - 1], 'Try the demo key:')
    t.match(await server.waitForStderr(DEMO_SECRET_WARNING, 'the development-secret warning'), DEMO_SECRET_WARNING, 'warns that the development JWT secret is in use')

    const result = await shell(t, curl)
    t.equal(result.code, 0, result.stderr)
    t.equal(result.stderr, '')
    const body = JSON.parse(result.stdout) as { key: { updated_at: string } }
    t.same(body, { key: { id: 'key_demo', label: 'Renamed with curl', roles: 'admin,read', updated_at: body.key.updated_at } }, 'exactly these fields')
    t.match(body.key.updated_at, ISO_MS_UTC)
    renamedAt = Date.parse(body.key.updated_at)
    t.ok(Math.abs(renamedAt - Date.now()) < 60_000, 'updated_at is now')

    t.match(query(path, "SELECT * FROM api_keys WHERE id = 'key_demo'"), [{ project_id: 'proj_demo', label: 'Renamed with curl', roles: 'admin,read', updated_at: renamedAt, last_used: Number }])
    before = tables(path)
    t.same(Object.keys(before).map(table => before[table]!.length), [1, 1, 1, 3], 'one demo user, project and member; the demo key and the two disposable keys')

    // A crash, not a shutdown: the answered write must be in the file anyway.
    server.child.kill('SIGKILL')
    t.same(await server.waitForExit(), { code: null, signal: 'SIGKILL' })
  })

  await t.test('a restart keeps the renamed key, loads no demo data over it, and prints a curl that still works', async t => {
    const server = await startServer(t, { DATABASE_PATH: path, JWT_SECRET: TEST_SECRET })
    const curl = await server.waitForLine(line => line.startsWith('curl '), 'the curl line')
    t.same(tables(path), before, 'every row as the first process left it')
    t.equal(server.stderr(), '', 'no development-secret warning when JWT_SECRET is set')

    const result = await shell(t, curl)
    t.equal(result.code, 0, result.stderr)
    const body = JSON.parse(result.stdout) as { key: { updated_at: string } }
    t.same(body, { key: { id: 'key_demo', label: 'Renamed with curl', roles: 'admin,read', updated_at: body.key.updated_at } })
    t.ok(Date.parse(body.key.updated_at) > renamedAt, 'updated_at moved forward')

    server.child.kill('SIGTERM')
    t.same(await server.waitForExit(), { code: 0, signal: null })
    t.equal(server.stderr(), '')
  })
})

t.test('with SEED_FILE the server loads that fixture instead of the demo data', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const path = join(dir, 'seeded.db')
  const server = await startServer(t, { DATABASE_PATH: path, SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: TEST_SECRET })

  const res = await patch(server.url, 'proj_one', 'key_read', SECRETS.key_admin, { label: 'Renamed over HTTP' })
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^application\/json/)
  t.same(res.body, { key: { id: 'key_read', label: 'Renamed over HTTP', roles: 'read,app:db:read', updated_at: (res.body as { key: { updated_at: string } }).key.updated_at } })

  const demo = await patch(server.url, 'proj_demo', 'key_demo', 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem', { label: 'x' })
  t.equal(demo.status, 401, 'the demo secret is not a key here')
  t.equal(demo.headers.get('www-authenticate'), 'Bearer realm="basic-admin", error="invalid_token"')

  t.same(query(path, 'SELECT id FROM projects ORDER BY id'), [{ id: 'proj_one' }, { id: 'proj_two' }], 'no proj_demo')
  t.same(query(path, "SELECT label FROM api_keys WHERE id = 'key_read'"), [{ label: 'Renamed over HTTP' }])
  t.notOk(server.lines.some(line => line.startsWith('curl ') || line === 'Try the demo key:'), 'no demo curl is printed')
  t.equal(server.stderr(), '')
})

t.test('a bad SEED_FILE stops start-up with exit 1 and one line naming the setting, the file, the problem and the fix', async t => {
  const user = { id: 'user_a', email: 'a@example.com' }
  const dir = t.testdir({
    'bad-value.json': JSON.stringify({ projects: [{ id: 'proj_a', name: 'A', keys: [{ id: 'key_a', label: 'A', roles: 'admin', value: 'not_a_basic_key_000000000000000000' }] }] }),
    'invalid.json': '{"users": [',
    'unknown-member.json': JSON.stringify({ users: [user], projects: [{ id: 'proj_a', name: 'A', members: [{ user: 'user_ghost', role: 'owner' }] }] })
  })
  const cases: Record<string, string> = {
    'missing.json': 'cannot be read (ENOENT): set SEED_FILE to a fixture file this user can read, or unset it for the demo data',
    'bad-value.json': ': projects[0].keys[0].value: must start with basic_key_ and have at least 20 characters after it, each of A-Z a-z 0-9 - . _ ~ + / (a bearer token) (fix the file, or unset SEED_FILE for the demo data)',
    'invalid.json': ': not valid JSON: Unexpected end of JSON input (fix the file, or unset SEED_FILE for the demo data)',
    'unknown-member.json': ': projects[0].members[0].user: unknown user "user_ghost" (fix the file, or unset SEED_FILE for the demo data)'
  }
  const runs = Object.keys(cases).map(name => spawnCli(t, ['serve'], {
    HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, `${name}.db`), SEED_FILE: join(dir, name)
  }))
  const exits = await Promise.all(runs.map(run => run.waitForExit()))
  Object.entries(cases).forEach(([name, problem], i) => {
    t.same(exits[i], { code: 1, signal: null }, `${name}: exit code`)
    t.equal(runs[i]!.stderr(), `basic-admin-mock: SEED_FILE ${join(dir, name)}${problem.startsWith(':') ? '' : ' '}${problem}\n`, name)
    t.notOk(runs[i]!.lines.some(line => line.includes('listening')), `${name}: never listened`)
  })
  t.same(query(join(dir, 'unknown-member.json.db'), 'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM projects) AS n'), [{ n: 0 }], 'nothing of the bad fixture was loaded')
})

t.test('SIGTERM to `npm start` reaches the server: it exits and frees the port', async t => {
  const npm = spawnCli(t, [], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(t.testdir(), 'npm.db') }, ['npm', 'start', '--silent'])
  const banner = await npm.waitForLine(line => line.startsWith('basic-admin-mock listening on '), 'the listening banner')
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!
  t.equal((await fetch(`${url}/health`, { signal: AbortSignal.timeout(patience(1_000)) })).status, 200)
  npm.child.kill('SIGTERM')
  await npm.waitForExit()
  await t.rejects(fetch(`${url}/health`, { signal: AbortSignal.timeout(patience(500)) }), 'nothing listens any more')
})

t.test('Ctrl-C under `npm start` (SIGINT to the whole process group): the server finishes and frees the port; npm itself ends with 0 or by SIGINT', async t => {
  const env = { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(t.testdir(), 'npm.db') }
  // Its own process group, as a terminal's foreground job: Ctrl-C signals every process in it.
  const npm = spawn('npm', ['start', '--silent'], { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid!, 'SIGKILL') })
  let out = ''
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => npm.on('close', (code, signal) => resolve({ code, signal })))
  const banner = await withTimeout(new Promise<string>(resolve => npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    const match = /basic-admin-mock listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (match !== null) resolve(match[1]!)
  })), patience(1_500), () => `the banner; stdout so far: ${out}`)
  process.kill(-npm.pid!, 'SIGINT')
  const exit = await withTimeout(exited, patience(1_500), 'npm to exit')
  // Both npm and the server get the signal; which one acts first decides npm's own status (130 in a shell, or 0).
  t.ok((exit.code === 0 && exit.signal === null) || (exit.code === null && exit.signal === 'SIGINT'), `npm ended with ${JSON.stringify(exit)}`)
  t.match(out, /"signal":"SIGINT","msg":"shutting down: finishing in-flight requests"/, 'the server shut down gracefully')
  await t.rejects(fetch(`${banner}/health`, { signal: AbortSignal.timeout(patience(500)) }), 'nothing listens any more')
})

t.test('once the demo key loses admin the banner says why and how to get it back; `reset` brings the curl back', async t => {
  const path = join(t.testdir(), 'demo.db')
  const env = { DATABASE_PATH: path, JWT_SECRET: TEST_SECRET }
  const first = await startServer(t, env)
  await first.waitForLine(line => line.startsWith('curl '), 'the curl line')
  const stripped = await patch(first.url, 'proj_demo', 'key_demo', DEMO_SECRET, { roles: 'read' })
  t.equal(stripped.status, 200)
  first.child.kill('SIGTERM')
  t.same(await first.waitForExit(), { code: 0, signal: null })

  const second = await startServer(t, env)
  const why = await second.waitForLine(line => line.startsWith('No demo curl'), 'the line saying why there is no curl')
  t.equal(why, 'No demo curl: the demo key key_demo no longer has the admin role (its roles are "read"); npx basic-admin-mock reset puts the demo data back (and removes everything else)')
  t.notOk(second.lines.some(line => line.startsWith('curl ')), 'no curl that would answer 401')
  second.child.kill('SIGTERM')
  t.same(await second.waitForExit(), { code: 0, signal: null })

  const reset = spawnCli(t, ['reset'], env)
  t.same(await reset.waitForExit(), { code: 0, signal: null })
  t.equal(reset.stderr(), `reset ${path} to the demo data: 6 row(s)\n`)
  const third = await startServer(t, env)
  const curl = await third.waitForLine(line => line.startsWith('curl '), 'the curl line after the reset')
  const result = await shell(t, curl)
  t.equal(result.code, 0, result.stderr)
  t.match(JSON.parse(result.stdout), { key: { id: 'key_demo', label: 'Renamed with curl', roles: 'admin,read' } })
  third.child.kill('SIGTERM')
  t.same(await third.waitForExit(), { code: 0, signal: null })
})

t.test('a running server', async t => {
  const dir = t.testdir()
  const server = await startServer(t, { DATABASE_PATH: join(dir, 'first.db'), JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'warn' })

  await t.test('answers /health and /ready with 200 {"status":"ok"}, unauthenticated', async t => {
    for (const route of ['/health', '/ready']) {
      const res = await fetch(server.url + route, { signal: AbortSignal.timeout(patience(1_000)) })
      t.equal(res.status, 200, route)
      t.match(res.headers.get('content-type'), /^application\/json/)
      t.equal(await res.text(), '{"status":"ok"}', route)
    }
  })

  await t.test('serves the contract at /openapi.json', async t => {
    const res = await fetch(`${server.url}/openapi.json`, { signal: AbortSignal.timeout(patience(1_000)) })
    t.equal(res.status, 200)
    t.match(res.headers.get('content-type'), /^application\/json/)
    const document = await res.json() as { openapi: string, paths: Record<string, Record<string, unknown>> }
    t.equal(document.openapi, '3.0.0')
    t.ok(document.paths['/project/{id}/key/{key_id}']?.patch, 'the PATCH operation is there')
  })

  await t.test('serves Swagger UI and its assets from the installed package (the command is a bundle: scripts/bundle.mjs)', async t => {
    const ui = dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json'))
    for (const asset of ['logo.svg', 'swagger-ui-bundle.js']) {
      const res = await fetch(`${server.url}/docs/static/${asset}`, { signal: AbortSignal.timeout(patience(1_000)) })
      t.equal(res.status, 200, asset)
      t.ok(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(ui, 'static', asset))), `${asset} is the package's file`)
    }
    const page = await fetch(`${server.url}/docs/`, { signal: AbortSignal.timeout(patience(1_000)) })
    t.equal(page.status, 200)
    t.match(await page.text(), /<div id="swagger-ui"><\/div>/)
  })

  await t.test('a second server on the same port exits 1 with one line naming EADDRINUSE', async t => {
    const port = new URL(server.url).port
    const second = spawnCli(t, ['serve'], { HOST: '127.0.0.1', PORT: port, LOG_LEVEL: 'warn', JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'second.db') })
    t.same(await second.waitForExit(), { code: 1, signal: null })
    t.match(second.stderr(), /^basic-admin-mock: [^\n]*EADDRINUSE[^\n]*\n$/)
    t.notOk(second.lines.some(line => line.startsWith('basic-admin-mock listening')))
    const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(patience(1_000)) })
    t.equal(health.status, 200, 'the first server is unaffected')
  })

  server.child.kill('SIGTERM')
  t.same(await server.waitForExit(), { code: 0, signal: null })
  // The command ships as a bundle (scripts/bundle.mjs): a checkpoint worker it left out is logged as an error.
  t.same(server.lines.filter(line => line.startsWith('{')), [], 'no warning or error logged from start to stop')
})
