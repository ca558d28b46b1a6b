// startMockServer as a consumer's test suite uses it: in this process, over a real socket.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startMockServer, type MockServer, type MockServerOptions } from '../src/index.js'
import { DEMO_KEY_SECRET } from '../src/domain/demo.js'
import { FIXTURE, SECRETS } from './helper.js'
import { patience } from './patience.js'

type Tap = { teardown: (fn: () => unknown) => void }

async function start (t: Tap, options?: MockServerOptions): Promise<MockServer> {
  const mock = await startMockServer(options)
  t.teardown(() => mock.close())
  return mock
}

interface Answer { status: number, headers: Headers, body: any }

async function call (mock: MockServer, method: string, path: string, bearer?: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(mock.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(patience(1_000)) })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }
}

// The demo data's keys: the demo key, then the disposable ones the contract's delete and regenerate examples name.
const DEMO_KEYS: Array<[string, string]> = [['key_demo', 'Demo admin key'], ['key_demo_delete', 'Disposable demo key (delete it; reset restores it)'], ['key_demo_regenerate', 'Disposable demo key (regenerate it; reset restores it)']]

const rename = (mock: MockServer, project: string, key: string, bearer: string, label: string): Promise<Answer> =>
  call(mock, 'PATCH', `/project/${project}/key/${key}`, bearer, { label })

function jwtPart (token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8'))
}

t.test('listens on a free port of 127.0.0.1 and its url answers fetch', async t => {
  const mock = await start(t)
  t.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.not(new URL(mock.url).port, '0')
  const health = await call(mock, 'GET', '/health')
  t.same([health.status, health.body], [200, { status: 'ok' }])
  t.equal((await mock.app.inject('/ready')).statusCode, 200, 'app is the Fastify instance, for inject()')
})

t.test('token() mints HS256 and RS256 user tokens the server accepts', async t => {
  const mock = await start(t)
  for (const alg of ['HS256', 'RS256'] as const) {
    const token = mock.token('user_demo', { alg, expiresIn: '5m' })
    t.equal(jwtPart(token, 0).alg, alg)
    const claims = jwtPart(token, 1) as { sub: string, exp: number }
    t.equal(claims.sub, 'user_demo')
    t.ok(Math.abs(claims.exp - (Date.now() / 1000 + 300)) < 30, 'expires in 5 minutes')
    const res = await rename(mock, 'proj_demo', 'key_demo', token, `Renamed with ${alg}`)
    t.equal(res.status, 200, alg)
    t.same(res.body, { key: { id: 'key_demo', label: `Renamed with ${alg}`, roles: 'admin', updated_at: res.body.key.updated_at } })
  }
  const hs = jwtPart(mock.token('user_demo'), 1) as { exp: number }
  t.ok(Math.abs(hs.exp - (Date.now() / 1000 + 3600)) < 30, 'HS256 for an hour by default')
  t.throws(() => mock.token('user_demo', { expiresIn: 'soon' }), new TypeError('expiresIn must look like 90s, 15m, 1h or 7d (got "soon")'))
})

t.test('createKey() stores a key with normalised fields and returns a secret that works as a bearer', async t => {
  const mock = await start(t)
  const key = mock.createKey('proj_demo', '  CI  ', ' admin , read,admin ')
  t.same(key, { id: key.id, label: 'CI', roles: 'admin,read', value: key.value, created_at: key.created_at })
  t.match(key.value, /^basic_key_[A-Za-z0-9_-]{43}$/)
  t.ok(Math.abs(Date.parse(key.created_at) - Date.now()) < 60_000, 'created now')
  const res = await rename(mock, 'proj_demo', key.id, key.value, 'Renamed by itself')
  t.equal(res.status, 200)
  t.equal(res.body.key.label, 'Renamed by itself')
  const listed = await call(mock, 'GET', '/project/proj_demo/key', key.value)
  t.same(listed.body.data.map((k: { id: string }) => k.id), [...DEMO_KEYS.map(([id]) => id), key.id])

  t.throws(() => mock.createKey('proj_nope', 'CI', 'admin'), new TypeError('unknown project "proj_nope"'))
  t.throws(() => mock.createKey('proj_demo', 'CI', 'admin,,read'), { message: 'roles must not contain empty items (check for stray commas)' })
})

t.test('reset() returns to the demo seed: created keys go, changed keys come back', async t => {
  const mock = await start(t)
  const key = mock.createKey('proj_demo', 'CI', 'admin')
  t.equal((await rename(mock, 'proj_demo', 'key_demo', DEMO_KEY_SECRET, 'Changed')).status, 200)
  await mock.reset()
  t.equal((await call(mock, 'GET', '/project/proj_demo/key', key.value)).status, 401, 'the created key is gone')
  const listed = await call(mock, 'GET', '/project/proj_demo/key', DEMO_KEY_SECRET)
  t.same(listed.body.data.map((k: { id: string, label: string }) => [k.id, k.label]), DEMO_KEYS)
})

t.test('a fixture object replaces the demo data, and reset() returns to it', async t => {
  const mock = await start(t, { fixture: FIXTURE })
  t.equal((await rename(mock, 'proj_demo', 'key_demo', DEMO_KEY_SECRET, 'x')).status, 401, 'no demo key')
  t.equal((await rename(mock, 'proj_one', 'key_read', SECRETS.key_admin, 'Changed')).status, 200)
  mock.createKey('proj_two', 'Extra', 'read')
  await mock.reset()
  const one = await call(mock, 'GET', '/project/proj_one/key/key_read', SECRETS.key_admin)
  t.equal(one.body.key.label, 'Read key')
  const two = await call(mock, 'GET', '/project/proj_two/key', mock.token('user_outsider'))
  t.same(two.body.data.map((k: { id: string }) => k.id), ['key_two_admin', 'key_two_read'])
})

t.test('a fixture file path is read as SEED_FILE is, and reset() returns to it', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const mock = await start(t, { fixture: join(dir, 'fixture.json') })
  t.equal((await rename(mock, 'proj_one', 'key_read', SECRETS.key_admin, 'Changed')).status, 200)
  // The file is read once, at start: reset brings back what it held then.
  writeFileSync(join(dir, 'fixture.json'), JSON.stringify({ users: [] }))
  await mock.reset()
  t.equal((await call(mock, 'GET', '/project/proj_one/key/key_read', SECRETS.key_admin)).body.key.label, 'Read key')
})

t.test('two servers at once are independent: own port, own data, own token secret', async t => {
  const [a, b] = await Promise.all([start(t), start(t)])
  t.not(a.url, b.url)
  t.equal((await rename(a, 'proj_demo', 'key_demo', DEMO_KEY_SECRET, 'Only in a')).status, 200)
  t.equal((await call(b, 'GET', '/project/proj_demo/key/key_demo', DEMO_KEY_SECRET)).body.key.label, 'Demo admin key')
  const fromA = a.createKey('proj_demo', 'A', 'admin')
  t.equal((await call(b, 'GET', '/project/proj_demo/key', fromA.value)).status, 401, "a's key is unknown to b")
  t.equal((await call(b, 'GET', '/project/proj_demo/key', a.token('user_demo'))).status, 401, "a's token is refused by b")
  t.equal((await call(b, 'GET', '/project/proj_demo/key', b.token('user_demo'))).status, 200)
})

t.test('close() stops listening and frees the port for the next server', async t => {
  const first = await startMockServer()
  const port = Number(new URL(first.url).port)
  await first.close()
  await t.rejects(fetch(`${first.url}/health`, { signal: AbortSignal.timeout(patience(500)) }), 'nothing listens')
  const second = await start(t, { port })
  t.equal(second.url, first.url, 'the same port again')
  t.equal((await call(second, 'GET', '/health')).status, 200)
})

t.test('a bad fixture or option makes startMockServer reject with one clear error', async t => {
  const dir = t.testdir({ 'invalid.json': '{"users": [' })
  const ghost = { users: [], projects: [{ id: 'proj_a', name: 'A', members: [{ user: 'user_ghost', role: 'owner' as const }] }] }
  const badValue = { projects: [{ id: 'proj_a', name: 'A', keys: [{ id: 'key_a', label: 'A', roles: 'admin', value: 'short' }] }] }
  const cases: Array<[MockServerOptions, string]> = [
    [{ fixture: join(dir, 'missing.json') }, `fixture ${join(dir, 'missing.json')}: cannot be read (ENOENT)`],
    [{ fixture: join(dir, 'invalid.json') }, `fixture ${join(dir, 'invalid.json')}: not valid JSON: Unexpected end of JSON input`],
    [{ fixture: badValue }, 'projects[0].keys[0].value: must start with basic_key_ and have at least 20 characters after it, each of A-Z a-z 0-9 - . _ ~ + / (a bearer token)'],
    [{ fixture: { users: 'everyone' } as never }, 'users: expected array'],
    [{ fixture: ghost }, 'projects[0].members[0].user: unknown user "user_ghost"'],
    [{ clock: 'yesterday' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "yesterday")'],
    [{ adminToken: 'short' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 5 characters)'],
    [{ jwtSecret: 'too short' }, 'invalid setting JWT_SECRET: must be at least 32 bytes long']
  ]
  for (const [options, message] of cases) {
    await t.rejects(startMockServer(options), { message }, message)
  }
})

t.test('clock, adminToken, jwtSecret, jwtIssuer and jwtAudience reach the server', async t => {
  const options = { clock: '2030-01-01T00:00:00.000Z', adminToken: 'an-admin-token-0123456789', jwtIssuer: 'https://issuer.test', jwtAudience: 'mock-tests' }
  const [a, b] = await Promise.all([start(t, options), start(t, options)])
  const token = a.token('user_demo')
  t.match(jwtPart(token, 1), { iss: 'https://issuer.test', aud: 'mock-tests' })
  const first = await rename(a, 'proj_demo', 'key_demo', token, 'Deterministic')
  const second = await rename(b, 'proj_demo', 'key_demo', b.token('user_demo'), 'Deterministic')
  t.match(first.body.key.updated_at, /^2030-01-01T00:00:00\.\d{3}Z$/, 'the clock starts at CLOCK')
  t.equal(first.body.key.updated_at, second.body.key.updated_at, 'the same run gives the same times')

  const reset = await call(a, 'POST', '/__admin/reset', options.adminToken)
  t.same([reset.status, reset.body], [200, { created: 6 }], 'the control plane answers the admin token (a user, a project, a membership, three keys)')
  t.equal((await call(a, 'POST', '/__admin/reset', token)).status, 404, 'and nothing else')
  const plain = await start(t)
  t.equal((await call(plain, 'POST', '/__admin/reset', options.adminToken)).status, 404, 'no control plane without adminToken')

  const fixed = await start(t, { jwtSecret: 'a-test-secret-that-is-32-bytes-or-longer' })
  const other = await start(t, { jwtSecret: 'a-test-secret-that-is-32-bytes-or-longer' })
  t.equal((await call(other, 'GET', '/project/proj_demo/key', fixed.token('user_demo'))).status, 200, 'a shared jwtSecret makes tokens portable')
})

t.test('an unknown option is a TypeError naming it and the closest known one, and nothing starts', async t => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ fixtures: {} }, 'startMockServer: unknown option "fixtures" (did you mean "fixture"?)'],
    [{ prot: 3003 }, 'startMockServer: unknown option "prot" (did you mean "port"?)'],
    [{ admin_token: 'an-admin-token-0123456789' }, 'startMockServer: unknown option "admin_token" (did you mean "adminToken"?)'],
    [{ completelyDifferent: true }, 'startMockServer: unknown option "completelyDifferent" (known: fixture, databasePath, port, host, jwtSecret, jwtIssuer, jwtAudience, clock, adminToken, logLevel, faultSeed, namespaceLimit, https, tlsCert, tlsKey, httpsPort, providerStates, proxy)']
  ]
  for (const [options, message] of cases) {
    await t.rejects(startMockServer(options as MockServerOptions), new TypeError(message), message)
  }
})

/** A GET with these headers. */
async function send (mock: MockServer, path: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(mock.url + path, { headers, signal: AbortSignal.timeout(patience(1_000)) })
  return { status: res.status, headers: res.headers, body: await res.json() }
}

t.test('namespace(name): its headers reach an isolated world, with its own reset, token and createKey', async t => {
  const mock = await start(t, {})
  const team = mock.namespace('team-a')
  t.strictSame(team.headers, { 'x-mock-namespace': 'team-a' })
  const key = team.createKey('proj_demo', 'Team key', 'admin')
  const inTeam = await send(mock, '/project/proj_demo/key', { ...team.headers, authorization: `Bearer ${key.value}` })
  t.equal(inTeam.status, 200)
  t.same(inTeam.body.data.map((k: { label: string }) => k.label), [...DEMO_KEYS.map(([, label]) => label), 'Team key'])
  t.equal((await send(mock, '/project/proj_demo/key', { authorization: `Bearer ${key.value}` })).status, 401, 'unknown in the default namespace')
  const owner = team.token('user_demo')
  t.equal((await send(mock, '/project/proj_demo/key', { ...team.headers, authorization: `Bearer ${owner}` })).status, 200)
  await team.reset()
  t.equal((await send(mock, '/project/proj_demo/key', { ...team.headers, authorization: `Bearer ${key.value}` })).status, 401, 'gone with the namespace\'s reset')
  t.throws(() => mock.namespace('not ok'), new TypeError('namespace must be 1 to 64 characters of A-Z a-z 0-9 _ . - (got "not ok")'))
})

t.test('faults.add() and faults.clear() need adminToken, and then inject what a rule says', async t => {
  const without = await start(t, {})
  t.throws(() => without.faults.add({ status: 503 }), new TypeError('faults exist only with the control plane: start the server with adminToken'))
  const mock = await start(t, { adminToken: 'an-admin-token-0123456789', faultSeed: 'in-process' })
  const rule = mock.faults.add({ operation: 'listApiKeys', status: 503, times: 1 })
  t.strictSame(rule, { operation: 'listApiKeys', status: 503, times: 1, id: 'fault-1', hits: 0 })
  const demo = { authorization: 'Bearer basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem' }
  const first = await send(mock, '/project/proj_demo/key', demo)
  t.equal(first.status, 503)
  t.equal(first.headers.get('x-mock-fault'), 'fault-1')
  t.equal((await send(mock, '/project/proj_demo/key', demo)).status, 200, 'then the real answer: a retry succeeds')
  mock.faults.add({ operation: 'listApiKeys', status: 500 })
  mock.faults.clear()
  t.equal((await send(mock, '/project/proj_demo/key', demo)).status, 200)
  t.throws(() => mock.faults.add({ drop: 'reset', status: 500 }), new TypeError('fault rule: status and drop exclude each other: a dropped connection has no status'))
})
