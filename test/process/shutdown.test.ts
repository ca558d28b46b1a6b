// SIGTERM and SIGINT as docker stop and Kubernetes send them: under load, over keep-alive connections. Every request
// the server has read is answered, answers from then on close their connection, and the process exits 0 soon after.
import t, { type Test } from 'tap'
import diagnostics from 'node:diagnostics_channel'
import { Agent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from '../helper.js'
import { patience } from '../patience.js'
import { startServer, withTimeout, type Started } from './harness.js'

// The server's own limit before it gives up and exits 1 (src/server.ts); everything here must end well inside it.
const GRACE_MS = 10_000
const REQUESTS = 200

interface Answer { status: number, connection: string | null, body: string, at: number }

/** When the process exited, as it happened: a test may notice it much later. */
function exitTime (server: Started): () => number {
  let at = Number.NaN
  server.child.once('exit', () => { at = Date.now() })
  return () => at
}

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

async function exitsCleanly (t: Test, server: Started, path: string, lastAnswerAt: number, exitedAt: () => number): Promise<void> {
  t.same(await server.waitForExit(GRACE_MS + patience(1_000)), { code: 0, signal: null }, 'exits 0, inside the grace period')
  t.ok(exitedAt() - lastAnswerAt < GRACE_MS / 2, `exits soon after the last answer (${exitedAt() - lastAnswerAt} ms), not at the grace period's end`)
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
  const exitedAt = exitTime(server)
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
  await exitsCleanly(t, server, path, lastAnswerAt, exitedAt)
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

t.test(`SIGTERM once ${REQUESTS} PATCHes sent with fetch have their connections: every one is answered, none refused, and the server exits 0 soon after`, async t => {
  const { server, path } = await seeded(t)
  // The signal goes once the client holds all its connections (undici's own report): the server has then accepted
  // them or the kernel holds them in the listen backlog, and none may be refused. How many the server had read by then
  // is up to the machine's load; a client that had not connected yet could rightly be refused, so it is not asked.
  let connected = 0
  const allConnected = withTimeout(new Promise<void>(resolve => {
    const count = (): void => { if (++connected === REQUESTS) resolve() }
    diagnostics.subscribe('undici:client:connected', count)
    t.teardown(() => diagnostics.unsubscribe('undici:client:connected', count))
  }), patience(3_000), () => `fetch to open ${REQUESTS} connections (${connected} so far)`)
  // A timer of our own, not AbortSignal.timeout(): that one does not keep the process alive, and once the server is
  // gone a fetch undici never settles would end the file as "test unfinished" instead of failing here by its id.
  const giveUp = new AbortController()
  const timer = setTimeout(() => giveUp.abort(), GRACE_MS + patience(3_000))
  const sends = Array.from({ length: REQUESTS }, (_, i) => {
    const id = `fetch-${i}`
    return fetch(`${server.url}/project/proj_one/key/key_read`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ label: `fetch ${i}` }),
      signal: giveUp.signal
    }).then(async res => ({ id, status: res.status, connection: res.headers.get('connection'), body: await res.text(), at: Date.now() }))
  })
  const exitedAt = exitTime(server)
  await allConnected
  server.child.kill('SIGTERM')
  const settled = await Promise.allSettled(sends)
  clearTimeout(timer)
  const answered = settled.flatMap(result => result.status === 'fulfilled' ? [result.value] : [])
  const refused = settled.flatMap((result, i) => result.status === 'rejected' ? [`fetch-${i}: ${String((result.reason as Error).cause ?? result.reason)}`] : [])
  const lastAnswerAt = Math.max(0, ...answered.map(a => a.at))
  await exitsCleanly(t, server, path, lastAnswerAt, exitedAt)

  t.same(refused, [], 'no request on a connection made before the signal was refused or dropped')
  t.same(answered.filter(a => a.status !== 200), [], 'every answer is a 200')
  t.equal(received(server).size, REQUESTS, 'the server read every request')
  const labels = query<{ label: string }>(path, "SELECT label FROM api_keys WHERE id = 'key_read'")
  t.ok(answered.some(a => (JSON.parse(a.body) as { key: { label: string } }).key.label === labels[0]!.label), 'the label in the file is one that was answered')
})
