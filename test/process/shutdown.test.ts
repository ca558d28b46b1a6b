// SIGTERM and SIGINT as docker stop and Kubernetes send them: under load, over keep-alive connections. Every request
// the server has read is answered, answers from then on close their connection, and the process exits 0 soon after.
import t, { type Test } from 'tap'
import { Agent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from '../helper.js'
import { startServer, withTimeout, type Started } from './harness.js'

// The server's own limit before it gives up and exits 1 (src/server.ts); everything here must end well inside it.
const GRACE_MS = 10_000
const REQUESTS = 200

interface Answer { status: number, connection: string | null, body: string, at: number }

async function seeded (t: Test): Promise<{ server: Started, path: string }> {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const path = join(dir, 'shutdown.db')
  // debug: the server logs each request as it reads its head, with its id: which requests it received is in the log.
  const server = await startServer(t, { DATABASE_PATH: path, SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'debug' })
  return { server, path }
}

/** The ids of the requests whose heads the server read, from its debug lines. */
function received (server: Started): Set<string> {
  const ids = new Set<string>()
  for (const line of server.lines) {
    if (!line.includes('"msg":"incoming request"')) continue
    ids.add((JSON.parse(line) as { reqId: string }).reqId)
  }
  return ids
}

async function exitsCleanly (t: Test, server: Started, path: string, lastAnswerAt: number): Promise<void> {
  t.same(await server.waitForExit(GRACE_MS + 5_000), { code: 0, signal: null }, 'exits 0, inside the grace period')
  const exitedAt = Date.now()
  t.ok(exitedAt - lastAnswerAt < GRACE_MS / 2, `exits soon after the last answer (${exitedAt - lastAnswerAt} ms), not at the grace period's end`)
  t.notOk(server.lines.some(line => line.includes('shutdown timed out')), 'no timeout was logged')
  t.equal(server.stderr(), '')
  t.same(query(path, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }], 'integrity_check ok after the exit')
}

/** PATCHes of key_read over keep-alive connections whose bodies are only half sent until finish() is called. */
function halfSentPatches (url: string, count: number, agent: Agent) {
  const { hostname, port } = new URL(url)
  return Array.from({ length: count }, (_, i) => {
    const label = `in flight ${String(i).padStart(3, '0')}`
    const body = Buffer.from(JSON.stringify({ label }))
    const req = httpRequest({
      host: hostname,
      port,
      method: 'PATCH',
      path: '/project/proj_one/key/key_read',
      agent,
      headers: { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': `half-${i}` }
    })
    const response = new Promise<Answer>((resolve, reject) => {
      req.on('error', reject)
      req.on('response', res => {
        let text = ''
        res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection ?? null, body: text, at: Date.now() }))
      })
    })
    req.write(body.subarray(0, 10))
    return { label, response, finish: () => req.end(body.subarray(10)) }
  })
}

async function halfSentThenSignal (t: Test, signal: NodeJS.Signals, count: number): Promise<void> {
  const { server, path } = await seeded(t)
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
  t.teardown(() => agent.destroy())
  const requests = halfSentPatches(server.url, count, agent)
  // The server has read every request's head and waits for the rest of the bodies.
  await server.waitForLine(() => received(server).size === count, `${count} incoming requests`)
  server.child.kill(signal)
  await server.waitForLine(line => line.includes('shutting down: finishing in-flight requests') && line.includes(signal), `the ${signal} log line`)
  for (const request of requests) request.finish()

  // allSettled: a request cut off by the exit is a failed assertion with its reason, not a thrown error.
  const settled = await withTimeout(Promise.allSettled(requests.map(r => r.response)), GRACE_MS + 5_000, 'the in-flight answers')
  const lost = settled.flatMap((result, i) => result.status === 'rejected' ? [`request ${i}: ${String(result.reason)}`] : [])
  t.same(lost, [], `every one of the ${count} in-flight requests got an answer before the exit`)
  const updated: Array<{ label: string, at: number }> = []
  let lastAnswerAt = 0
  settled.forEach((result, i) => {
    if (result.status === 'rejected') return
    const answer = result.value
    lastAnswerAt = Math.max(lastAnswerAt, answer.at)
    t.equal(answer.status, 200, `request ${i} answered 200`)
    t.equal(answer.connection, 'close', `request ${i}: the answer closes its keep-alive connection`)
    const body = JSON.parse(answer.body) as { key: { id: string, label: string, roles: string, updated_at: string } }
    t.same(body, { key: { id: 'key_read', label: requests[i]!.label, roles: 'read,app:db:read', updated_at: body.key.updated_at } })
    updated.push({ label: body.key.label, at: Date.parse(body.key.updated_at) })
  })
  await exitsCleanly(t, server, path, lastAnswerAt)
  t.equal(new Set(updated.map(u => u.at)).size, count, 'every write got its own updated_at')
  const last = updated.reduce((a, b) => (b.at > a.at ? b : a))
  t.match(query(path, "SELECT label, updated_at FROM api_keys WHERE id = 'key_read'"), [{ label: last.label, updated_at: last.at }], 'the last answered write is in the file')
}

t.test(`SIGTERM with ${REQUESTS} half-sent PATCHes on keep-alive connections: each is answered with Connection: close, then the process exits 0`, async t => {
  await halfSentThenSignal(t, 'SIGTERM', REQUESTS)
})

t.test('SIGINT shuts down the same way', async t => {
  await halfSentThenSignal(t, 'SIGINT', 3)
})

t.test(`SIGTERM 30 ms into ${REQUESTS} PATCHes sent with fetch over keep-alive: every request the server read is answered, and it exits 0 soon after`, async t => {
  const { server, path } = await seeded(t)
  const sends = Array.from({ length: REQUESTS }, (_, i) => {
    const id = `fetch-${i}`
    return fetch(`${server.url}/project/proj_one/key/key_read`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ label: `fetch ${i}` }),
      signal: AbortSignal.timeout(GRACE_MS + 5_000)
    }).then(async res => ({ id, status: res.status, connection: res.headers.get('connection'), body: await res.text(), at: Date.now() }))
  })
  // Those the server had read when the signal went (its log may lag behind, which only makes this count smaller).
  let readBeforeSignal = 0
  setTimeout(() => {
    readBeforeSignal = received(server).size
    server.child.kill('SIGTERM')
  }, 30)
  const settled = await Promise.allSettled(sends)
  const answered = settled.flatMap(result => result.status === 'fulfilled' ? [result.value] : [])
  const refused = settled.flatMap((result, i) => result.status === 'rejected' ? [`fetch-${i}`] : [])
  const lastAnswerAt = Math.max(0, ...answered.map(a => a.at))
  await exitsCleanly(t, server, path, lastAnswerAt)

  const read = received(server)
  t.same(refused.filter(id => read.has(id)), [], 'no request the server read went unanswered')
  t.same(answered.filter(a => a.status !== 200), [], 'every answer is a 200')
  // A connection still in the listen backlog when the listener closes is refused by the kernel; nothing else may be.
  t.ok(refused.length <= REQUESTS - readBeforeSignal, `only requests not yet read at the signal were refused (${refused.length} refused, ${REQUESTS - readBeforeSignal} not yet read)`)
  t.comment(`${refused.length} of ${REQUESTS} refused before the server read them`)
  const labels = query<{ label: string }>(path, "SELECT label FROM api_keys WHERE id = 'key_read'")
  t.ok(answered.some(a => (JSON.parse(a.body) as { key: { label: string } }).key.label === labels[0]!.label), 'the label in the file is one that was answered')
})
