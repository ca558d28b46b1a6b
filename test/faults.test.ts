// Faults, latency and Prefer (README "Unhappy paths"), over a real listener: what a client sees when a rule fires,
// that the operation does not run, that the journal marks it, and that a seed makes every run the same.
import t, { type Test } from 'tap'
import { ADMIN_TOKEN, NOT_FOUND, INVALID, fixed } from './answers.js'
import { bearer, build, patchKey, SECRETS } from './helper.js'
import { Connection, listen, requestBytes } from './wire.js'

const ADMIN = bearer(ADMIN_TOKEN)
const KEY = bearer(SECRETS.key_admin)

async function addFault (app: Awaited<ReturnType<typeof build>>['app'], rule: object, headers: Record<string, string> = {}) {
  const res = await app.inject({ method: 'POST', url: '/__admin/faults', headers: { ...ADMIN, ...headers }, payload: rule })
  if (res.statusCode !== 200) throw new Error(`POST /__admin/faults: ${res.statusCode} ${res.body}`)
  return res.json<{ id: string }>()
}

t.test('a status rule answers its status in the contract\'s error shape, marked, for the next `times` matches; the operation does not run', async t => {
  const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
  const rule = await addFault(app, { operation: 'updateApiKey', status: 503, retry_after: 2, times: 2 })
  t.strictSame(rule, { operation: 'updateApiKey', status: 503, retry_after: 2, times: 2, id: 'fault-1', hits: 0 })
  for (const attempt of [1, 2]) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: `Attempt ${attempt}` }, KEY)
    t.equal(res.statusCode, 503, `attempt ${attempt}`)
    t.strictSame(res.json(), { error: 'Service Unavailable', message: 'Injected by fault rule fault-1' })
    t.equal(res.headers['x-mock-fault'], 'fault-1')
    t.equal(res.headers['retry-after'], '2')
    t.equal(row('key_read')?.label, 'Read key', 'the PATCH did not run')
  }
  const third = await patchKey(app, 'proj_one', 'key_read', { label: 'Attempt 3' }, KEY)
  t.equal(third.statusCode, 200, 'the rule is spent: the real answer')
  t.equal(third.headers['x-mock-fault'], undefined)
  t.equal(row('key_read')?.label, 'Attempt 3')
  t.match((await app.inject({ method: 'GET', url: '/__admin/faults', headers: ADMIN })).json(), { faults: [{ id: 'fault-1', hits: 2 }] })
  const journal = (await app.inject({ method: 'GET', url: '/__admin/requests', headers: ADMIN })).json().requests
  t.same(journal.map((e: { status: number, fault: string | null }) => [e.status, e.fault]), [[503, 'fault-1'], [503, 'fault-1'], [200, null]], 'the journal marks the injected answers')
})

t.test('a rule matches by operation, method, path with wildcards and caller; others pass untouched', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  await addFault(app, { method: 'GET', path: '/project/*/key/key_read', caller: 'key_admin', status: 500 })
  const get = (path: string, headers: Record<string, string>) => app.inject({ method: 'GET', url: path, headers })
  t.equal((await get('/project/proj_one/key/key_read', KEY)).statusCode, 500, 'every criterion met')
  t.equal((await get('/project/proj_one/key/key_admin', KEY)).statusCode, 200, 'another path')
  t.equal((await get('/project/proj_one/key/key_read', bearer(SECRETS.key_read))).statusCode, 401, 'another caller: the real answer (a read key may not manage)')
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, KEY)).statusCode, 200, 'another method')
  t.same(fixed(await get('/project/proj_one/key/key_read', {})), { ...INVALID, body: { error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token>' }, challenge: 'Bearer realm="basic-admin"' }, 'refused for its credentials first: faults meet only requests that reach their operation')
})

t.test('a delay holds the real answer at least that long, and marks it', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  await addFault(app, { operation: 'getApiKey', delay: 150 })
  const started = performance.now()
  const res = await app.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: KEY })
  t.ok(performance.now() - started >= 149, 'not before the delay')
  t.equal(res.statusCode, 200)
  t.equal(res.json().key.id, 'key_read', 'the real answer')
  t.equal(res.headers['x-mock-fault'], 'fault-1')
})

t.test('drops, as a client sees them on the wire: a reset, a close without an answer, a truncated body', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const patch = requestBytes('PATCH', '/project/proj_one/key/key_read', { ...KEY, 'content-type': 'application/json' }, '{"label":"Dropped"}')
  const onWire = async (t: Test, drop: string) => {
    await addFault(l.app, { operation: 'updateApiKey', drop, times: 1 })
    const connection = await Connection.open(t, l.port)
    const errors: string[] = []
    connection.socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message))
    // Not events.once: it would reject on the reset's error, which is what this gathers.
    const closed = new Promise(resolve => connection.socket.once('close', resolve))
    let raw = ''
    connection.socket.on('data', (chunk: Buffer) => { raw += chunk.toString('latin1') })
    // The write itself may meet the reset: what the client then sees is the error on the socket, gathered above.
    await connection.write(patch).catch(() => {})
    await closed
    return { raw, errors }
  }
  const reset = await onWire(t, 'reset')
  t.same(reset, { raw: '', errors: ['ECONNRESET'] }, 'reset: nothing, then a TCP reset')
  const close = await onWire(t, 'close')
  t.same(close, { raw: '', errors: [] }, 'close: nothing, then the connection ends')
  const truncated = await onWire(t, 'truncate')
  const [head, body] = truncated.raw.split('\r\n\r\n') as [string, string]
  t.match(head, /^HTTP\/1\.1 200 OK\r\n/)
  t.match(head, /\r\nx-mock-fault: fault-3\r\n/i)
  const promised = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1])
  t.ok(body.length < promised, `a body of ${body.length} bytes where ${promised} were promised`)
  t.equal(l.row('key_read')?.label, 'Read key', 'no dropped PATCH ran')
  const journal = (await l.app.inject({ method: 'GET', url: '/__admin/requests', headers: ADMIN })).json().requests
  t.same(journal.map((e: { fault: string | null }) => e.fault), ['fault-1', 'fault-2', 'fault-3'], 'each dropped request is journaled, marked')
})

t.test('with a probability, FAULT_SEED makes the same requests meet the same faults in every run, and a reset starts the run over', async t => {
  const pattern = async (seed: string, resetFirst = false) => {
    const { app } = await build(t, { config: { ADMIN_TOKEN, FAULT_SEED: seed } })
    if (resetFirst) {
      await addFault(app, { operation: 'listApiKeys', status: 502, probability: 0.5 })
      for (let i = 0; i < 7; i++) await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: KEY })
      await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
    }
    await addFault(app, { operation: 'listApiKeys', status: 502, probability: 0.5 })
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: KEY })).statusCode)
    return statuses.map(status => status === 502 ? 'x' : '.').join('')
  }
  const first = await pattern('run-42')
  t.equal(await pattern('run-42'), first, 'the same seed, the same faults')
  t.equal(await pattern('run-42', true), first, 'after a reset, the same faults again')
  t.ok(first.includes('x') && first.includes('.'), `about half fire: ${first}`)
  t.not(await pattern('run-43'), first, 'another seed, another pattern')
})

t.test('rules are the namespace\'s own, and a reset or DELETE clears them', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  await addFault(app, { operation: 'listApiKeys', status: 503 }, { 'x-mock-namespace': 'flaky' })
  const list = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...KEY, ...headers } })
  t.equal((await list({ 'x-mock-namespace': 'flaky' })).statusCode, 503)
  t.equal((await list({})).statusCode, 200, 'not in the default namespace')
  t.equal((await list({ 'x-mock-namespace': 'steady' })).statusCode, 200, 'nor in another')
  await app.inject({ method: 'POST', url: '/__admin/reset', headers: { ...ADMIN, 'x-mock-namespace': 'flaky' } })
  t.equal((await list({ 'x-mock-namespace': 'flaky' })).statusCode, 200, 'a reset clears them')
  await addFault(app, { operation: 'listApiKeys', status: 503 })
  t.strictSame((await app.inject({ method: 'DELETE', url: '/__admin/faults', headers: ADMIN })).json(), { faults: [] })
  t.equal((await list({})).statusCode, 200, 'and so does DELETE')
})

t.test('a bad rule is a 400 naming the problem, and nothing is added', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const cases: Array<[object, RegExp]> = [
    [{ operation: 'updateApiKey' }, /^a fault needs an action: delay, status or drop$/],
    [{ status: 503, drop: 'reset' }, /^status and drop exclude each other/],
    [{ delay: 10, retry_after: 1 }, /^retry_after goes with a status$/],
    [{ delay: { min: 50, max: 10 } }, /^delay\.min must not be above delay\.max$/],
    [{ status: 200 }, /"status"/],
    [{ drop: 'explode' }, /"drop"/],
    [{ status: 503, probability: 0 }, /"probability"/],
    [{ status: 503, colour: 'red' }, /^Unknown property "colour" in request body$/]
  ]
  for (const [rule, message] of cases) {
    const res = await app.inject({ method: 'POST', url: '/__admin/faults', headers: ADMIN, payload: rule })
    t.equal(res.statusCode, 400, JSON.stringify(rule))
    t.match(res.json(), { error: 'Bad Request', message }, JSON.stringify(rule))
  }
  t.strictSame((await app.inject({ method: 'GET', url: '/__admin/faults', headers: ADMIN })).json(), { faults: [] })
})

t.test('Prefer: code=<listed status> answers that status in the contract\'s shape, marked "prefer", and writes nothing', async t => {
  const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
  const preferred = await patchKey(app, 'proj_one', 'key_read', { label: 'Preferred' }, { ...KEY, prefer: 'code=404' })
  t.same(fixed(preferred), NOT_FOUND)
  t.equal(preferred.headers['x-mock-fault'], 'prefer')
  const unauthorized = await patchKey(app, 'proj_one', 'key_read', { label: 'Preferred' }, { ...KEY, prefer: 'code=401' })
  t.same(fixed(unauthorized), INVALID)
  t.equal(unauthorized.headers['x-mock-fault'], 'prefer')
  t.equal(row('key_read')?.label, 'Read key', 'nothing written')
  for (const code of ['500', '200', '418']) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, { ...KEY, prefer: `code=${code}` })
    t.equal(res.statusCode, 400, code)
    t.strictSame(res.json(), { error: 'Bad Request', message: `Prefer: code=${code} is not an error status updateApiKey lists (it may ask for 400, 401, 404)` })
  }
})

t.test('without ADMIN_TOKEN there are no faults: Prefer: code= is refused rather than ignored, and the control plane says it is off', async t => {
  const { app, row } = await build(t)
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Not preferred' }, { ...KEY, prefer: 'code=404' })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { error: 'Bad Request', message: /^Prefer: code=404 asks for an injected answer, and this server has no control plane/ })
  t.equal(res.headers['x-mock-fault'], undefined)
  t.equal(row('key_read')?.label, 'Read key', 'the PATCH did not write')
  const faults = await app.inject({ method: 'POST', url: '/__admin/faults', headers: ADMIN, payload: { status: 503 } })
  t.equal(faults.statusCode, 404)
  t.match(faults.json(), { error: 'Not Found', message: /^Route POST \/__admin\/faults not found: the control plane is off/ })
})
