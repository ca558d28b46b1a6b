// Two servers on one SQLite file (two replicas, or a server and the CLI): BEGIN IMMEDIATE and busy_timeout serialise them.
import t from 'tap'
import { join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from '../helper.js'
import { loadClient, startServer } from './harness.js'

const REQUESTS = 600
const IN_FLIGHT = 50

interface Answer { n: number, status: number, body: unknown }
interface Updated { key: { id: string, label: string, roles: string, updated_at: string } }

t.test('two servers writing the same key of one database file concurrently', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const env = { DATABASE_PATH: join(dir, 'shared.db'), SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'warn' }
  // One after the other: both migrate and seed the same file, and the second finds it done.
  const servers = [await startServer(t, env), await startServer(t, env)]
  const clients = servers.map(server => loadClient(t, server.url))

  const answers: Answer[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    for (let n = next++; n < REQUESTS; n = next++) {
      // Alternate servers, so both always have writes in flight to the same row.
      const res = await clients[n % 2]!('proj_one', 'key_read', SECRETS.key_admin, { label: `req-${n}`, roles: `r${n},read` })
      answers.push({ n, ...res })
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))

  await t.test('every request is answered 200: no SQLITE_BUSY ever reaches a client', async t => {
    t.equal(answers.length, REQUESTS)
    t.same(answers.filter(a => a.status !== 200), [], 'no answer but 200')
    for (const [i, server] of servers.entries()) {
      t.equal(server.stderr(), '', `server ${i + 1} wrote nothing to stderr`)
      t.same(server.lines.filter(line => line.startsWith('{')), [], `server ${i + 1} logged no warning or error`)
    }
  })

  await t.test('updated_at moves strictly forward across both processes', async t => {
    const times = answers.map(a => Date.parse((a.body as Updated).key.updated_at))
    t.equal(new Set(times).size, REQUESTS, 'every answered updated_at is distinct')
    // In updated_at order, how often the writer changes from one process to the other.
    const order = answers.map((a, i) => ({ server: a.n % 2, at: times[i]! })).sort((a, b) => a.at - b.at)
    const switches = order.filter((w, i) => i > 0 && w.server !== order[i - 1]!.server).length
    t.ok(switches >= 10, `the two processes' writes interleave (${switches} switches)`)
    for (const a of answers) {
      const { key } = a.body as Updated
      if (key.label !== `req-${a.n}` || key.roles !== `r${a.n},read`) t.fail(`request ${a.n} was answered with another request's row: ${JSON.stringify(key)}`)
    }
  })

  await t.test('the row is exactly the write answered last, and the file is intact', async t => {
    const last = answers.reduce((a, b) => Date.parse((b.body as Updated).key.updated_at) > Date.parse((a.body as Updated).key.updated_at) ? b : a)
    const { key } = last.body as Updated
    t.same(query(env.DATABASE_PATH, "SELECT label, roles, updated_at FROM api_keys WHERE id = 'key_read'"),
      [{ label: `req-${last.n}`, roles: `r${last.n},read`, updated_at: Date.parse(key.updated_at) }])
    t.same(query(env.DATABASE_PATH, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
  })

  for (const server of servers) server.child.kill('SIGTERM')
  for (const [i, server] of servers.entries()) t.same(await server.waitForExit(), { code: 0, signal: null }, `server ${i + 1} exits 0`)
})
