// docs/guarantees.md: the database survives a `kill -9` at any moment, and every answered write is in it.
import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from '../helper.js'
import type { Fixture } from '../../src/domain/fixture.js'
import { loadClient, patch, startServer, type Started, type Tap } from './harness.js'

const KEYS = Array.from({ length: 20 }, (_, i) => `key_load_${String(i).padStart(2, '0')}`)
const IN_FLIGHT = 50
const ROUNDS = 3
// Once every key has an answered write, the kill comes this much later: long enough for many more writes, while
// the moment stays unrelated to what the server is doing.
const KILL_AFTER_MS = 300

const LOAD_FIXTURE: Fixture = {
  ...FIXTURE,
  projects: FIXTURE.projects!.map(project => project.id !== 'proj_one'
    ? project
    : { ...project, keys: [...project.keys!, ...KEYS.map(id => ({ id, label: id, roles: 'read', value: `basic_key_${id}_00000000000000000000` }))] })
}

// A third of the requests hit one key, the rest spread over all 20.
const keyOf = (n: number): string => KEYS[n % 3 === 0 ? 0 : n % KEYS.length]!
// Label and roles both name the request, so a row that mixes two requests shows.
const bodyOf = (n: number) => ({ label: `req-${n}`, roles: `r${n},admin` })

interface Sent { n: number, key: string, status?: number, at?: number }
interface Row { id: string, label: string, roles: string, updated_at: number }

/**
 * PATCHes from IN_FLIGHT concurrent clients until another process kills the server, KILL_AFTER_MS after every key
 * has had a write answered: however busy the machine, each round has answers to check for every key.
 */
async function loadUntilKilled (t: Tap, server: Started, first: number): Promise<Sent[]> {
  const send = loadClient(t, server.url)
  const sent: Sent[] = []
  const answered = new Set<string>()
  let killer: ReturnType<typeof spawn> | undefined
  const alive = (): boolean => server.child.exitCode === null && server.child.signalCode === null
  // Killed from outside, at a moment unrelated to what the server or the test is doing.
  const killSoon = (): void => {
    killer = spawn('/bin/sh', ['-c', `sleep ${KILL_AFTER_MS / 1000}; kill -KILL ${server.child.pid}`], { stdio: 'ignore' })
  }
  t.teardown(() => { if (killer !== undefined && killer.exitCode === null) killer.kill('SIGKILL') })
  const worker = async (): Promise<void> => {
    while (alive()) {
      const n = first + sent.length
      const request: Sent = { n, key: keyOf(n) }
      sent.push(request)
      try {
        const res = await send('proj_one', request.key, SECRETS.key_admin, bodyOf(n))
        request.status = res.status
        if (res.status === 200) request.at = Date.parse((res.body as { key: { updated_at: string } }).key.updated_at)
        if (res.status === 200 && killer === undefined && answered.add(request.key).size === KEYS.length) killSoon()
      } catch {
        // Cut off by the kill: its write may or may not have committed.
        return
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return sent
}

t.test('kill -9 under concurrent PATCHes, three times over: no answered write is lost and no row mixes two requests', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(LOAD_FIXTURE) })
  const env = { DATABASE_PATH: join(dir, 'crash.db'), SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'info' }
  let server = await startServer(t, env)
  let next = 1
  let unanswered = 0

  for (let round = 1; round <= ROUNDS; round++) {
    const sent = await loadUntilKilled(t, server, next)
    next += sent.length
    t.same(await server.waitForExit(), { code: null, signal: 'SIGKILL' }, `round ${round}: killed`)
    const inFlight = sent.filter(r => r.status === undefined)
    t.comment(`round ${round}: ${sent.length} PATCHes sent, ${inFlight.length} cut off by the kill`)
    t.same(sent.filter(r => r.status !== undefined && r.status !== 200).map(r => r.status), [], 'every answer before the kill is a 200')
    t.ok(inFlight.length > 0, 'the kill cut off requests in flight')

    server = await startServer(t, env)
    t.same(query(env.DATABASE_PATH, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }], `round ${round}: integrity_check`)
    const rows = query<Row>(env.DATABASE_PATH, "SELECT id, label, roles, updated_at FROM api_keys WHERE id LIKE 'key_load_%' ORDER BY id")
    t.same(rows.map(row => row.id), KEYS)
    for (const row of rows) {
      const answers = sent.filter(r => r.key === row.id && r.at !== undefined).sort((a, b) => a.at! - b.at!)
      const last = answers.at(-1)
      if (last === undefined) {
        t.fail(`${row.id} got no answered write in round ${round}`)
        continue
      }
      const n = Number(/^req-(\d+)$/.exec(row.label)?.[1])
      const what = `round ${round}, ${row.id} (${row.label}, ${row.roles})`
      t.equal(row.roles, `r${n},admin`, `${what}: label and roles come from the same request`)
      t.equal(new Set(answers.map(r => r.at)).size, answers.length, `${what}: every answered write got its own updated_at`)
      // Answers for one key are ordered by updated_at: the row being at or past the last one means none was lost.
      t.ok(row.updated_at >= last.at!, `${what}: the row is at or past the last answered write`)
      if (row.updated_at === last.at) {
        t.equal(n, last.n, `${what}: the row is the last answered write`)
      } else {
        unanswered++
        t.ok(inFlight.some(r => r.key === row.id && r.n === n), `${what}: a row newer than every answer is a write that was in flight`)
      }
    }
  }
  t.comment(`${unanswered} row(s) ended on a write that committed but was never answered`)

  const before = query<Row>(env.DATABASE_PATH, 'SELECT updated_at FROM api_keys WHERE id = ?', KEYS[0])[0]!
  const after = await patch(server.url, 'proj_one', KEYS[0]!, SECRETS.key_admin, { label: 'after the restarts' })
  t.equal(after.status, 200)
  t.ok(Date.parse((after.body as { key: { updated_at: string } }).key.updated_at) > before.updated_at, 'updated_at keeps moving forward after the crashes')
  server.child.kill('SIGTERM')
  t.same(await server.waitForExit(), { code: 0, signal: null })
})
