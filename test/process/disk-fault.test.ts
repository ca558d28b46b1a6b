// A disk that fills up, or a database file that is read-only: a bare 500, a clear log line, and a server that stays up.
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from '../helper.js'
import { CLI, patch, spawnCli, startServer, type Started } from './harness.js'
import { patience } from '../patience.js'

const INTERNAL_ERROR = '{"error":"Internal Server Error","message":"Internal Server Error"}'
const KEY_READ = "SELECT label, roles, last_used FROM api_keys WHERE id = 'key_read'"
const LAST_USED = "SELECT last_used FROM api_keys WHERE id = 'key_admin'"

// A file-size limit on the running server is a full disk to it (EFBIG), and needs no privilege: prlimit sets only the soft limit.
const PRLIMIT = spawnSync('prlimit', ['--version']).status === 0
// Node ignores SIGXFSZ, but tap preloads signal-exit into child processes (NODE_OPTIONS), which makes it fatal: run node as users do.
const PLAIN_NODE = ['env', '-u', 'NODE_OPTIONS', process.execPath, CLI]
function limitFileSize (pid: number, bytes: number | 'unlimited'): void {
  const result = spawnSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:`], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`prlimit failed: ${result.stderr}`)
}

/** The error-level log line of one request, parsed. */
async function errorLog (server: Started, requestId: string): Promise<unknown> {
  const line = await server.waitForLine(line => line.includes(`"reqId":"${requestId}"`) && line.includes('"level":50'), `the error log of ${requestId}`, 5_000)
  return JSON.parse(line)
}

/** Answers decided before any write still come as usual: liveness, a bad token, a project the caller cannot see. */
async function readPathsAnswer (t: Test, server: Started): Promise<void> {
  const health = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(patience(1_000)) })
  t.equal(`${health.status} ${await health.text()}`, '200 {"status":"ok"}', '/health')
  const unknown = await patch(server.url, 'proj_one', 'key_read', 'basic_key_unknown_000000000000000000000000', { label: 'x' })
  t.equal(`${unknown.status} ${unknown.text}`, '401 {"error":"Unauthorized","message":"The bearer token is invalid, expired or revoked"}', 'an unknown API key')
  const hidden = await patch(server.url, 'proj_two', 'key_two_read', SECRETS.key_admin, { label: 'x' })
  t.equal(`${hidden.status} ${hidden.text}`, '404 {"error":"API key not found"}', 'another project')
}

t.test('when the disk fills up under a running server', { skip: PRLIMIT ? false : 'prlimit (util-linux) is not installed' }, async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const path = join(dir, 'full.db')
  const env = { DATABASE_PATH: path, SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info' }
  const server = await startServer(t, env, PLAIN_NODE)
  const pid = server.child.pid!
  const before = await patch(server.url, 'proj_one', 'key_read', SECRETS.key_admin, { label: 'before the disk filled', roles: 'read,before' })
  t.equal(before.status, 200)
  // A disk with no room at all: every write fails. (At the -wal's size, a limit no longer makes commits fail: the
  // server's checkpoint worker lets the -wal restart from its beginning, reusing room it already has, as on a real disk.)
  const NO_ROOM = 1
  const lastUsed = query<{ last_used: number }>(path, LAST_USED)

  await t.test('a PATCH that cannot be written answers the bare 500, logs the SQLite error with the request id, and changes nothing', async t => {
    limitFileSize(pid, NO_ROOM)
    const res = await patch(server.url, 'proj_one', 'key_read', SECRETS.key_admin, { label: 'never written' }, { 'x-request-id': 'full-update' })
    t.equal(res.status, 500)
    t.match(res.headers.get('content-type'), /^application\/json/)
    t.equal(res.text, INTERNAL_ERROR, 'no detail leaks to the client')
    t.match(await errorLog(server, 'full-update'), { msg: 'request failed', err: { code: /^SQLITE_(FULL|IOERR)/ } })
    t.same(query(path, KEY_READ), [{ label: 'before the disk filled', roles: 'read,before', last_used: null }])
    t.same(query(path, LAST_USED), lastUsed)
  })

  await t.test('the process stays up, and requests that write nothing answer as usual', async t => {
    await readPathsAnswer(t, server)
    t.equal(server.child.exitCode, null)
    t.equal(server.stderr(), '')
  })

  await t.test('a read answered 200 stays 200 when its key\'s last_used cannot be recorded, and the failure is logged', async t => {
    // A PATCH writes last_used in its own transaction (the first subtest); a read's only write is last_used, after the answer.
    limitFileSize(pid, NO_ROOM)
    const res = await fetch(`${server.url}/project/proj_one/key/key_read`, { headers: { authorization: `Bearer ${SECRETS.key_admin}`, 'x-request-id': 'full-touch' } })
    t.equal(res.status, 200, 'the answer was decided before the write')
    t.match(await res.json(), { key: { id: 'key_read', label: 'before the disk filled', roles: 'read,before' } })
    t.same(query(path, LAST_USED), lastUsed, 'last_used did not move')
    t.match(await errorLog(server, 'full-touch'), { msg: 'last_used not recorded', err: { code: /^SQLITE_(FULL|IOERR)/ } })
  })

  await t.test('once there is room again, writes succeed without a restart', async t => {
    limitFileSize(pid, 'unlimited')
    const res = await patch(server.url, 'proj_one', 'key_read', SECRETS.key_admin, { label: 'after the disk was freed' })
    t.equal(res.status, 200)
    t.ok(query<{ last_used: number }>(path, LAST_USED)[0]!.last_used > lastUsed[0]!.last_used, 'last_used moves again')
  })

  await t.test('after a restart the file is intact and holds every answered write', async t => {
    server.child.kill('SIGTERM')
    t.same(await server.waitForExit(), { code: 0, signal: null })
    t.equal(server.stderr(), '')
    const restarted = await startServer(t, env)
    t.same(query(path, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
    t.match(query(path, KEY_READ), [{ label: 'after the disk was freed', roles: 'read,before' }])
    restarted.child.kill('SIGTERM')
    t.same(await restarted.waitForExit(), { code: 0, signal: null })
  })
})

/** Makes a file read-only, even to root (chattr +i: root ignores file modes); returns how to undo it, or why it cannot. */
function makeReadOnly (path: string): (() => void) | string {
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o444)
    return () => chmodSync(path, 0o644)
  }
  const result = spawnSync('chattr', ['+i', path], { encoding: 'utf8' })
  if (result.status !== 0) return `chattr +i failed: ${result.stderr || result.error?.message}`
  return () => { spawnSync('chattr', ['-i', path]) }
}

t.test('a server started on a read-only database file', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const probe = makeReadOnly(join(dir, 'fixture.json'))
  if (typeof probe === 'string') return t.plan(0, probe)
  probe()
  const path = join(dir, 'readonly.db')
  const env = { DATABASE_PATH: path, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info' }
  const seeded = { ...env, SEED_FILE: join(dir, 'fixture.json') }
  const writable = await startServer(t, seeded)
  t.equal((await patch(writable.url, 'proj_one', 'key_read', SECRETS.key_admin, { label: 'before the file turned read-only' })).status, 200)
  writable.child.kill('SIGTERM')
  t.same(await writable.waitForExit(), { code: 0, signal: null })
  const rows = query(path, 'SELECT * FROM api_keys ORDER BY id')
  const undo = makeReadOnly(path) as () => void
  t.teardown(undo)

  await t.test('with a SEED_FILE to load, start-up stops with exit 1 and one line naming SQLITE_READONLY', async t => {
    const seeding = spawnCli(t, ['serve'], { ...seeded, HOST: '127.0.0.1', PORT: '0' })
    t.same(await seeding.waitForExit(), { code: 1, signal: null })
    t.match(seeding.stderr(), /^basic-admin-mock: SQLITE_READONLY: [^\n]+\n$/)
  })

  await t.test('with nothing to load it serves: a PATCH answers the bare 500 and logs SQLITE_READONLY with the request id', async t => {
    const server = await startServer(t, env)
    const res = await patch(server.url, 'proj_one', 'key_read', SECRETS.key_admin, { label: 'never written' }, { 'x-request-id': 'read-only' })
    t.equal(res.status, 500)
    t.match(res.headers.get('content-type'), /^application\/json/)
    t.equal(res.text, INTERNAL_ERROR, 'no detail leaks to the client')
    t.match(await errorLog(server, 'read-only'), { msg: 'request failed', err: { code: 'SQLITE_READONLY' } })
    await readPathsAnswer(t, server)
    t.equal(server.child.exitCode, null)
    server.child.kill('SIGTERM')
    t.same(await server.waitForExit(), { code: 0, signal: null })
  })

  await t.test('made writable again, a restart finds the file intact and every row as it was', async t => {
    undo()
    const server = await startServer(t, seeded)
    t.same(query(path, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
    t.same(query(path, 'SELECT * FROM api_keys ORDER BY id'), rows)
    server.child.kill('SIGTERM')
    t.same(await server.waitForExit(), { code: 0, signal: null })
  })
})
