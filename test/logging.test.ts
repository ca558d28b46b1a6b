// The server's own logger (pino, as configured for production) written to a captured stream: ids, levels, faults, no secrets.
import t from 'tap'
import type { Test } from 'tap'
import type { Config } from '../src/settings/config.js'
import { ADMIN_TOKEN } from './answers.js'
import { bearer, build, patchKey, SECRETS, userToken } from './helper.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Line { level: number, msg: string, reqId?: string, [field: string]: unknown }

/** An app whose log lines are kept, as text and parsed. */
async function logged (t: Test, config: Partial<Config>) {
  const text: string[] = []
  const built = await build(t, { logger: undefined, logStream: { write: line => { text.push(line) } }, config: { ADMIN_TOKEN, ...config } })
  return { ...built, text, lines: (): Line[] => text.map(line => JSON.parse(line) as Line) }
}

function requestId (res: { headers: Record<string, unknown> }): string {
  const id = res.headers['x-request-id']
  if (typeof id !== 'string') throw new Error('no x-request-id')
  return id
}

t.test('every answer carries an x-request-id, whatever its status and wherever it was decided', async t => {
  const { app } = await logged(t, { LOG_LEVEL: 'silent' })
  const answers = [
    ['health', 200, await app.inject('/health')],
    ['PATCH', 200, await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))],
    ['invalid JSON', 400, await patchKey(app, 'proj_one', 'key_read', '{', { ...bearer(SECRETS.key_admin), 'content-type': 'application/json' })],
    ['no credentials', 401, await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, {})],
    ['a key of another project', 404, await patchKey(app, 'proj_two', 'key_two_read', { label: 'x' }, bearer(SECRETS.key_admin))],
    ['an unknown route', 404, await app.inject('/nowhere')],
    ['a URL that cannot be decoded', 404, await app.inject('/project/%E0%A4%A/key')],
    ['the control plane to a stranger', 404, await app.inject({ method: 'POST', url: '/__admin/reset' })],
    ['the control plane', 200, await app.inject({ method: 'GET', url: '/__admin/requests', headers: bearer(ADMIN_TOKEN) })],
    ['HEAD', 200, await app.inject({ method: 'HEAD', url: '/health' })]
  ] as const
  const ids = new Set<string>()
  for (const [what, status, res] of answers) {
    t.equal(res.statusCode, status, what)
    t.match(res.headers['x-request-id'], UUID, `${what}: a fresh UUID`)
    ids.add(requestId(res))
  }
  t.equal(ids.size, answers.length, 'one id per request')
  app.world.db.prepare('DROP TABLE api_keys').run()
  const fault = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(await userToken('user_owner')))
  t.equal(fault.statusCode, 500)
  t.match(fault.headers['x-request-id'], UUID, 'a fault too')
})

t.test('a plausible client id is echoed and names every log line of its request', async t => {
  const { app, lines } = await logged(t, { LOG_LEVEL: 'trace' })
  for (const id of ['client-id-1', 'Trace.Id:2024_01-01', 'a'.repeat(128), '0']) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, { ...bearer(SECRETS.key_admin), 'x-request-id': id })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-request-id'], id, `echoed: ${id.slice(0, 20)}`)
    const own = lines().filter(line => line.reqId === id)
    t.ok(own.some(line => line.msg === 'request completed'), 'its log lines carry it')
    t.match(own.find(line => line.msg === 'incoming request'), { req: { method: 'PATCH', url: '/project/proj_one/key/key_read' } }, 'with what was asked, on arrival (debug)')
    t.match(own.find(line => line.msg === 'request completed'), { method: 'PATCH', url: '/project/proj_one/key/key_read', statusCode: 200, responseTime: Number }, 'and answered')
  }
  t.equal(new Set(lines().filter(line => line.reqId !== undefined).map(line => line.reqId)).size, 4, 'no line of another id')
})

t.test('an implausible client id is replaced by a fresh UUID, on the answer and in the log', async t => {
  // debug: /health's request line is logged at debug.
  const { app, lines, text } = await logged(t, { LOG_LEVEL: 'debug' })
  const insane = [
    'a'.repeat(129),
    'has space',
    'line\nbreak {"level":60,"msg":"forged"}',
    'tab\there',
    'ünïcödé',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'id;drop table',
    '"quoted"'
  ]
  const given = new Set<string>()
  for (const id of insane) {
    const res = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': id } })
    const answered = requestId(res)
    t.match(answered, UUID, JSON.stringify(id.slice(0, 30)))
    t.ok(lines().some(line => line.reqId === answered && line.msg === 'request completed'), 'its log lines carry the UUID')
    given.add(answered)
  }
  const twice = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': ['one', 'two'] } })
  t.match(requestId(twice), UUID, 'two x-request-id headers are no id')
  t.equal(given.size, insane.length, 'each a new one')
  const all = text.join('')
  for (const id of insane) t.notOk(all.includes(id), `never logged: ${JSON.stringify(id.slice(0, 30))}`)
  t.notOk(lines().some(line => line.msg === 'forged'), 'no forged log line')
})

t.test('no secret, token, Authorization value or admin token reaches any log line, at the most verbose level', async t => {
  const { app, text, lines } = await logged(t, { LOG_LEVEL: 'trace' })
  const admin = bearer(ADMIN_TOKEN)
  const hs = await userToken('user_owner')
  const expired = await userToken('user_owner', { expiresIn: -3600 })
  const forged = await userToken('user_owner', { secret: 'another-secret-that-is-32-bytes-long!!' })
  const minted = (await app.inject({ method: 'POST', url: '/__admin/tokens', headers: admin, payload: { user: 'user_admin', alg: 'RS256' } })).json().token as string
  const created = (await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: bearer(hs), payload: { label: 'Made', roles: 'admin' } })).json().key.value as string
  const regenerated = (await app.inject({ method: 'POST', url: '/project/proj_one/key/key_read/regenerate', headers: bearer(minted) })).json().key.value as string
  const fixtureSecret = 'basic_key_fixture_0000000000000000000000'
  const loaded = await app.inject({
    method: 'POST',
    url: '/__admin/fixtures',
    headers: admin,
    payload: { projects: [{ id: 'proj_one', name: 'One', keys: [{ id: 'key_fixture', label: 'F', roles: 'admin', value: fixtureSecret }] }] }
  })
  t.equal(loaded.statusCode, 200)
  const secrets = [...Object.values(SECRETS), hs, expired, forged, minted, created, regenerated, fixtureSecret, ADMIN_TOKEN]

  const verify = (key: string, headers: Record<string, string>) => app.inject({ method: 'POST', url: '/project/proj_one/key/verify', headers, payload: { key } })
  for (const credential of [SECRETS.key_admin, hs, minted, created, fixtureSecret]) {
    t.equal((await patchKey(app, 'proj_one', 'key_admin', { label: 'x' }, bearer(credential))).statusCode, 200)
  }
  for (const refused of [expired, forged, SECRETS.key_read, regenerated.slice(0, -1), ADMIN_TOKEN]) {
    await patchKey(app, 'proj_one', 'key_admin', { label: 'x' }, bearer(refused))
  }
  await patchKey(app, 'proj_one', 'key_admin', { label: 'x' }, { authorization: `Basic ${Buffer.from(`user:${SECRETS.key_admin}`).toString('base64')}` })
  await patchKey(app, 'proj_one', 'key_admin', { label: 'x' }, { authorization: SECRETS.key_admin })
  t.equal((await verify(regenerated, bearer(hs))).json().is_valid, true)
  for (const key of [SECRETS.key_two_admin, hs, ADMIN_TOKEN, ` ${SECRETS.key_admin}`]) await verify(key, bearer(hs))
  await app.inject({ method: 'POST', url: '/__admin/reset', headers: admin })
  await app.inject({ method: 'GET', url: '/__admin/requests', headers: admin })
  await app.inject({ method: 'GET', url: '/__admin/requests', headers: bearer(`${ADMIN_TOKEN}x`) })
  // Credentials pasted in a bad body: the 400's reason is logged.
  await patchKey(app, 'proj_one', 'key_admin', { [SECRETS.key_two_read]: 'x' }, bearer(hs))
  await patchKey(app, 'proj_one', 'key_admin', `{"label": ${SECRETS.key_two_read}}`, { ...bearer(hs), 'content-type': 'application/json' })
  await app.inject({ method: 'POST', url: '/__admin/fixtures', headers: admin, payload: { users: [{ id: 'u', email: 'u@example.com', [SECRETS.key_two_read]: 1 }] } })

  const all = text.join('')
  t.ok(lines().length > 25, `${lines().length} log lines`)
  t.ok(lines().some(line => line.msg === 'bearer token refused'), 'refusals are logged, by reason')
  t.ok(lines().some(line => line.msg === 'bad request'), 'bad requests are logged, by reason')
  for (const secret of secrets) t.notOk(all.includes(secret), `not logged: ${secret.slice(0, 14)}...`)
  t.notMatch(all, /Bearer |Basic |[Aa]uthorization/, 'no Authorization header, not even its scheme')
  t.notMatch(all, /eyJ[A-Za-z0-9_-]{10,}\.|basic_key_[A-Za-z0-9_-]{11}/, 'nothing longer than a JSON.parse excerpt that looks like a token or key')
})

t.test('LOG_LEVEL=info logs each request once, as it is answered, with its id, method, path, status and time; a refusal also says why', async t => {
  const { app, lines } = await logged(t, { LOG_LEVEL: 'info' })
  const ok = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))
  const answered = lines().filter(line => line.reqId === requestId(ok))
  t.same(answered.map(line => line.msg), ['request completed'], 'one line, the arrival line being at debug')
  t.match(answered[0], { level: 30, method: 'PATCH', url: '/project/proj_one/key/key_read', statusCode: 200, responseTime: Number })

  const res = await patchKey(app, 'proj_two', 'key_two_read', { label: 'x' }, bearer(SECRETS.key_admin))
  const own = lines().filter(line => line.reqId === requestId(res))
  t.same(own.map(line => line.msg), ['not found', 'request completed'], 'a 404 logs why, then the request line')
  t.match(own[0], { level: 30, reason: 'the calling key belongs to another project' })
  t.match(own[1], { level: 30, method: 'PATCH', url: '/project/proj_two/key/key_two_read', statusCode: 404, responseTime: Number })
})

t.test('health checks (GET /health and /ready, which Docker and compose send every few seconds) log at debug, not info', async t => {
  const quiet = await logged(t, { LOG_LEVEL: 'info' })
  for (const request of [{ url: '/health' }, { url: '/ready' }, { method: 'HEAD' as const, url: '/health' }, { url: '/health' }]) {
    t.equal((await quiet.app.inject(request)).statusCode, 200, `${request.method ?? 'GET'} ${request.url}`)
  }
  const requestLines = (): Line[] => quiet.lines().filter(line => line.reqId !== undefined)
  t.strictSame(requestLines(), [], 'no request line at info')
  const ok = await patchKey(quiet.app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))
  t.strictSame(requestLines().map(line => [line.reqId, line.msg]), [[requestId(ok), 'request completed']], 'while every other request logs its line')

  const verbose = await logged(t, { LOG_LEVEL: 'debug' })
  const health = await verbose.app.inject('/health')
  const own = verbose.lines().filter(line => line.reqId === requestId(health))
  t.match(own, [{ level: 20, msg: 'incoming request' }, { level: 20, msg: 'request completed', method: 'GET', url: '/health', statusCode: 200, responseTime: Number }], 'both lines at debug')
  t.equal(own.length, 2)
})

t.test('LOG_LEVEL=warn logs no request lines, but still the faults', async t => {
  const { app, lines } = await logged(t, { LOG_LEVEL: 'warn' })
  for (let i = 0; i < 5; i++) await patchKey(app, 'proj_one', 'key_read', { label: `n${i}` }, bearer(SECRETS.key_admin))
  await patchKey(app, 'proj_one', 'key_read', { label: '' }, bearer(SECRETS.key_admin))
  await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer('basic_key_nobody_000000000000000000000'))
  t.strictSame(lines(), [], 'nothing below warn')
  app.world.db.prepare('DROP TABLE api_keys').run()
  await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(await userToken('user_owner')))
  t.strictSame(lines().map(line => [line.level, line.msg]), [[50, 'request failed']])
})

t.test('LOG_LEVEL=silent logs nothing, even a fault', async t => {
  const { app, text } = await logged(t, { LOG_LEVEL: 'silent' })
  await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))
  app.world.db.prepare('DROP TABLE api_keys').run()
  await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(await userToken('user_owner')))
  t.strictSame(text, [])
})

t.test('a fault answers the bare 500 and logs the error, with its stack, under the request id the client got', async t => {
  const { app, lines } = await logged(t, { LOG_LEVEL: 'info' })
  app.world.db.prepare('DROP TABLE api_keys').run()
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, { ...bearer(await userToken('user_owner')), 'x-request-id': 'fault-1' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, '{"error":"Internal Server Error","message":"Internal Server Error"}')
  t.equal(res.headers['x-request-id'], 'fault-1')
  const errors = lines().filter(line => line.level >= 50)
  t.equal(errors.length, 1)
  t.match(errors[0], { reqId: 'fault-1', msg: 'request failed', err: { type: 'SqliteError', message: /no such table: api_keys/, stack: /SqliteError/ } })
  t.match(lines().filter(line => line.reqId === 'fault-1').map(line => line.msg).filter(msg => msg !== 'incoming request'), ['request failed', 'request completed'])
})

t.test('credentials in the URL or the request id reach neither a log line nor the journal, wherever the client puts them', async t => {
  const { app, text } = await logged(t, { LOG_LEVEL: 'trace' })
  const admin = bearer(ADMIN_TOKEN)
  const hs = await userToken('user_owner')
  const secrets = [SECRETS.key_admin, SECRETS.key_two_read, hs, ADMIN_TOKEN]
  const urls = [
    `/project/proj_one/key?access_token=${hs}`,
    `/project/proj_one/key?api_key=${SECRETS.key_two_read}&other=1`,
    `/project/proj_one/key?token=${ADMIN_TOKEN}`,
    `/project/proj_one/key/${SECRETS.key_two_read}`,
    `/project/${encodeURIComponent(SECRETS.key_two_read).replace(/_/g, '%5F')}/key`,
    `/nowhere/${hs}?x=${SECRETS.key_admin}`
  ]
  for (const url of urls) await app.inject({ method: 'GET', url, headers: bearer(hs) })
  await app.inject({ method: 'DELETE', url: `/project/proj_one/key/${SECRETS.key_two_read}`, headers: bearer(hs) })
  await app.inject({ method: 'GET', url: `/__admin/requests?token=${ADMIN_TOKEN}`, headers: admin })
  const echoed = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': SECRETS.key_two_read } })
  t.match(echoed.headers['x-request-id'], UUID, 'a credential-shaped request id is replaced, not echoed')
  const journal = (await app.inject({ method: 'GET', url: '/__admin/requests', headers: admin })).body

  const logText = text.join('')
  for (const secret of secrets) {
    t.notOk(logText.includes(secret), `not logged: ${secret.slice(0, 14)}...`)
    t.notOk(journal.includes(secret), `not journaled: ${secret.slice(0, 14)}...`)
  }
  t.notMatch(logText, /basic_key_|basic%5Fkey%5F|eyJ[A-Za-z0-9_-]{10,}/i, 'nothing shaped like a key or token, encoded or not')
  t.notMatch(journal, /basic_key_|basic%5Fkey%5F|eyJ[A-Za-z0-9_-]{10,}/i)
  t.match(logText, /"url":"\/project\/proj_one\/key\?access_token=\[redacted\]"/, 'the logged URL keeps its shape, query values blanked')
  t.match(logText, /"url":"\/project\/proj_one\/key\/\[redacted\]"/, 'a secret as a path segment is blanked')
  t.match(journal, /"path":"\/project\/proj_one\/key\/\[redacted\]"/, 'and in the journal')
})

t.test('a body nested thousands deep is a 400, journaled like any other request, and logs no error', async t => {
  const { app, lines } = await logged(t, { LOG_LEVEL: 'info' })
  const admin = bearer(ADMIN_TOKEN)
  const objects = `{"label":${'{"a":'.repeat(2600)}1${'}'.repeat(2600)}}`
  const arrays = `${'['.repeat(5000)}${']'.repeat(5000)}`
  t.ok(objects.length < 16 * 1024 && arrays.length < 16 * 1024, 'both under the body limit')
  const json = { ...bearer(SECRETS.key_admin), 'content-type': 'application/json' }
  const answers = [
    await patchKey(app, 'proj_one', 'key_read', objects, json),
    await patchKey(app, 'proj_one', 'key_read', `{"label":"x","roles":${arrays}}`, json),
    await patchKey(app, 'proj_one', 'key_read', arrays, json)
  ]
  t.same(answers.map(a => a.statusCode), [400, 400, 400])
  const res = await app.inject({ method: 'GET', url: '/__admin/requests', headers: admin })
  t.equal(res.statusCode, 200)
  const entries = res.json<{ requests: Array<{ request_id: string, status: number }> }>().requests
  t.same(entries.map(e => [e.request_id, e.status]), answers.map(a => [a.headers['x-request-id'], 400]), 'each request is in the journal')
  t.same(lines().filter(line => line.level >= 50), [], 'no error or fatal line')
})
