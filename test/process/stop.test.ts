// A graceful stop that is one (issue 23 item 8), as docker stop sends it, to the real process: whatever a client
// holds (a request a fault rule delays, a body trickling in at 1 byte/s, half a request head, idle keep-alive
// connections after plain traffic), SIGTERM answers or closes it, and the process exits 0 without reaching the grace
// period's backstop ("shutdown timed out", exit 1), every time.
import t, { type Test } from 'tap'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { FIXTURE, SECRETS, TEST_SECRET, query } from '../helper.js'
import { patience } from '../patience.js'
import { Connection, requestBytes } from '../wire.js'
import { startServer, withTimeout, type Started } from './harness.js'

const ADMIN_TOKEN = 'an-admin-token-for-stop-tests'
// The server's backstop (src/server.ts): a stop that reaches it exits 1. Every wait below ends well before.
const GRACE_MS = 10_000

async function seeded (t: Test): Promise<{ server: Started, path: string }> {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const path = join(dir, 'stop.db')
  // debug: the server logs each request as it reads its head, with its id.
  const server = await startServer(t, { DATABASE_PATH: path, SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: TEST_SECRET, ADMIN_TOKEN, LOG_LEVEL: 'debug' })
  return { server, path }
}

/** SIGTERM, then the exit: 0, with no timeout logged and nothing on stderr, and the database whole. */
async function stopsCleanly (t: Test, server: Started, path: string): Promise<void> {
  server.child.kill('SIGTERM')
  t.same(await server.waitForExit(GRACE_MS + patience(1_000)), { code: 0, signal: null }, 'exits 0: the stop ended before the grace period\'s backstop')
  t.notOk(server.lines.some(line => line.includes('shutdown timed out')), 'no timeout was logged')
  t.equal(server.stderr(), '')
  t.same(query(path, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }])
}

/** A raw connection, and what it received until it closed (or the error that closed it). */
async function rawClient (t: Test, url: string): Promise<{ socket: Socket, closed: Promise<{ received: string, error: string | undefined }> }> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1')
  t.teardown(() => { socket.destroy() })
  let received = ''
  let error: string | undefined
  socket.setEncoding('latin1').on('data', (chunk: string) => { received += chunk })
  socket.on('error', (e: NodeJS.ErrnoException) => { error = e.code ?? e.message })
  const closed = new Promise<{ received: string, error: string | undefined }>(resolve => socket.once('close', () => resolve({ received, error })))
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  return { socket, closed }
}

const KEY = `Bearer ${SECRETS.key_admin}`

t.test('SIGTERM while a fault rule\'s delay holds a request: the request is answered at once, then the process exits 0', async t => {
  const { server, path } = await seeded(t)
  const added = await fetch(`${server.url}/__admin/faults`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'getApiKey', delay: 60_000 }) })
  t.equal(added.status, 200)
  await added.arrayBuffer()
  const held = fetch(`${server.url}/project/proj_one/key/key_read`, { headers: { authorization: KEY, 'x-request-id': 'held-by-a-delay' } })
    .then(async res => ({ status: res.status, connection: res.headers.get('connection'), fault: res.headers.get('x-mock-fault'), body: await res.json() as { key: { id: string } } }))
  // The rule has fired (one hit) and the answer has not come: the delay holds the request.
  const hits = async (): Promise<number> => ((await (await fetch(`${server.url}/__admin/faults`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { faults: Array<{ hits: number }> }).faults[0]!.hits
  const began = Date.now()
  while (await hits() !== 1) {
    if (Date.now() - began > patience(2_000)) throw new Error('timed out waiting for the fault rule to hold the request')
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  const stopped = stopsCleanly(t, server, path)
  const answer = await withTimeout(held, GRACE_MS, 'the held request\'s answer')
  t.strictSame({ ...answer, body: answer.body.key.id }, { status: 200, connection: 'close', fault: 'fault-1', body: 'key_read' }, 'the real answer, marked by its rule, closing its connection')
  await stopped
})

t.test('SIGTERM while an authenticated PATCH\'s body trickles in at 1 byte/s: its connection is closed, nothing is written, and the process exits 0', async t => {
  const { server, path } = await seeded(t)
  const { socket, closed } = await rawClient(t, server.url)
  const body = JSON.stringify({ label: 'Trickled in, never whole' })
  socket.write(`PATCH /project/proj_one/key/key_read HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`)
  let sent = 0
  const trickle = setInterval(() => { if (!socket.destroyed && sent < body.length) socket.write(body[sent++]!) }, 1_000)
  t.teardown(() => clearInterval(trickle))
  await server.waitForLine(line => line.includes('"msg":"incoming request"') && line.includes('PATCH'), 'the server to read the PATCH\'s head')
  await stopsCleanly(t, server, path)
  const end = await withTimeout(closed, patience(1_000), 'the trickling connection to close')
  t.equal(end.received, '', 'no answer: the request never arrived whole')
  t.ok(sent < body.length, `the body was still arriving (${sent} of ${body.length} bytes)`)
  t.same(query(path, "SELECT label FROM api_keys WHERE id = 'key_read'"), [{ label: 'Read key' }], 'nothing written')
})

t.test('SIGTERM while a socket has sent half its request head: it is closed, and the process exits 0', async t => {
  const { server, path } = await seeded(t)
  const { socket, closed } = await rawClient(t, server.url)
  await new Promise<void>((resolve, reject) => socket.write(`GET /project/proj_one/key/key_read HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${KEY}\r\n`, error => error == null ? resolve() : reject(error)))
  await stopsCleanly(t, server, path)
  const end = await withTimeout(closed, patience(1_000), 'the half-sent connection to close')
  t.equal(end.received, '', 'no answer to half a head')
})

t.test('SIGTERM while a connection a client opened is still unused (as a pool may leave one): it is closed, and the process exits 0', async t => {
  const { server, path } = await seeded(t)
  const { closed } = await rawClient(t, server.url)
  const res = await fetch(`${server.url}/project/proj_one/key/key_read`, { headers: { authorization: KEY } })
  t.equal(res.status, 200)
  await res.arrayBuffer()
  await stopsCleanly(t, server, path)
  const end = await withTimeout(closed, patience(1_000), 'the unused connection to close')
  t.equal(end.received, '', 'nothing was sent on it')
})

t.test('connections opened before SIGTERM whose requests come just after it, from a client slow to write, are each answered', async t => {
  const { server, path } = await seeded(t)
  const port = Number(new URL(server.url).port)
  // Connected: each is accepted, or held in the kernel's backlog for the server to accept.
  const connections = await Promise.all(Array.from({ length: 20 }, async () => await Connection.open(t, port)))
  server.child.kill('SIGTERM')
  await server.waitForLine(line => line.includes('shutting down: finishing in-flight requests'), 'the SIGTERM log line')
  // A client on a loaded machine: its requests leave a moment after the signal.
  await new Promise(resolve => setTimeout(resolve, 200))
  const answers = await Promise.allSettled(connections.map(async (connection, i) => {
    await connection.write(requestBytes('PATCH', '/project/proj_one/key/key_read', { authorization: KEY, 'content-type': 'application/json', 'x-request-id': `late-${i}` }, JSON.stringify({ label: `Late ${i}` })))
    const [answer] = await connection.read(1, `the answer to late-${i}`)
    return { status: answer!.status, connection: answer!.headers.connection }
  }))
  t.same(answers.flatMap((answer, i) => answer.status === 'rejected' ? [`late-${i}: ${String(answer.reason)}`] : []), [], 'none was reset or dropped')
  t.same(answers.flatMap(answer => answer.status === 'fulfilled' && (answer.value.status !== 200 || answer.value.connection !== 'close') ? [answer.value] : []), [], 'each answered 200, closing its connection')
  t.same(await server.waitForExit(GRACE_MS + patience(1_000)), { code: 0, signal: null })
  t.notOk(server.lines.some(line => line.includes('shutdown timed out')), 'no timeout was logged')
  t.equal(server.stderr(), '')
  t.match(query(path, "SELECT label FROM api_keys WHERE id = 'key_read'"), [{ label: /^Late \d+$/ }], 'the last answered write is in the file')
})

t.test('plain traffic, 150 requests over 40 keep-alive connections, then SIGTERM: the process exits 0, every time', async t => {
  for (const round of [1, 2, 3]) {
    await t.test(`round ${round}`, async t => {
      const { server, path } = await seeded(t)
      const agent = new Agent({ keepAlive: true, maxSockets: 40 })
      t.teardown(() => agent.destroy())
      const get = (i: number): Promise<number> => new Promise((resolve, reject) => {
        const req = request(`${server.url}/project/proj_one/key/key_read`, { agent, headers: { authorization: KEY, 'x-request-id': `plain-${round}-${i}` }, timeout: patience(1_000) }, res => {
          res.resume().on('end', () => resolve(res.statusCode!))
        })
        req.on('error', reject).on('timeout', () => req.destroy(new Error(`request ${i} timed out`)))
        req.end()
      })
      const statuses = await Promise.all(Array.from({ length: 150 }, (_, i) => get(i)))
      t.same(statuses.filter(status => status !== 200), [], '150 answers of 200')
      t.ok(Object.values(agent.freeSockets).flat().length > 1, 'the connections are kept alive, idle, when the signal comes')
      await stopsCleanly(t, server, path)
    })
  }
})
