// GET and DELETE /__admin/requests: the journal of answered requests, capped, filtered, and free of secrets.
import t from 'tap'
import { ADMIN, ADMIN_TOKEN, ISO_MS, UUID, journal } from './helper.js'
import { bearer, build, patchKey, SECRETS, userToken } from '../../helper.js'

t.test('journals every other request once answered, oldest first, with exactly its time, id, operation, method, path, status, caller and body', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const owner = await userToken('user_owner')
  const started = Date.now()
  const answers = [
    await patchKey(app, 'proj_one', 'key_read', { label: 'By key' }, { ...bearer(SECRETS.key_admin), 'x-request-id': 'client-id-1' }),
    await patchKey(app, 'proj_one', 'key_read', { roles: 'read' }, bearer(owner)),
    await app.inject({ method: 'GET', url: '/project/proj_one/key?ignored=1' }),
    // Refused before its body is read: the body is not journaled.
    await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer('basic_key_unknown_0000000000000000000000')),
    await app.inject({ method: 'GET', url: '/health' }),
    await app.inject({ method: 'GET', url: '/no/such/route' })
  ]
  await app.inject({ method: 'POST', url: '/__admin/tokens', headers: ADMIN, payload: { user: 'user_owner' } })
  const entries = await journal(app)
  t.equal(entries.length, answers.length, '/__admin requests are not journaled')
  for (const entry of entries) {
    t.strictSame(Object.keys(entry).sort(), ['body', 'caller', 'fault', 'method', 'operation', 'path', 'request_id', 'status', 'time'])
    t.match(entry.time, ISO_MS)
    t.ok(Date.parse(entry.time as string) >= started - 1 && Date.parse(entry.time as string) <= Date.now())
  }
  t.strictSame(entries.map(e => e.request_id), answers.map(a => a.headers['x-request-id']), 'the id each client was given')
  t.equal(entries[0]!.request_id, 'client-id-1')
  t.match(entries[1]!.request_id, UUID)
  t.strictSame(entries.map(({ time, request_id: id, ...rest }) => rest), [
    { operation: 'updateApiKey', method: 'PATCH', path: '/project/proj_one/key/key_read', status: 200, caller: { kind: 'key', key_id: 'key_admin', project_id: 'proj_one' }, body: { label: 'By key' }, fault: null },
    { operation: 'updateApiKey', method: 'PATCH', path: '/project/proj_one/key/key_read', status: 200, caller: { kind: 'user', user_id: 'user_owner' }, body: { roles: 'read' }, fault: null },
    { operation: 'listApiKeys', method: 'GET', path: '/project/proj_one/key', status: 401, caller: null, body: null, fault: null },
    { operation: 'updateApiKey', method: 'PATCH', path: '/project/proj_one/key/key_read', status: 401, caller: null, body: null, fault: null },
    { operation: null, method: 'GET', path: '/health', status: 200, caller: null, body: null, fault: null },
    { operation: null, method: 'GET', path: '/no/such/route', status: 404, caller: null, body: null, fault: null }
  ])
})

t.test('filters by exact path, by a path prefix ending in *, by status, and by both', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const key = bearer(SECRETS.key_admin)
  await patchKey(app, 'proj_one', 'key_read', { label: 'a' }, key)
  await patchKey(app, 'proj_one', 'key_admin', { label: 'b' }, key)
  await patchKey(app, 'proj_one', 'key_read', { label: 'c' }, {})
  await patchKey(app, 'proj_two', 'key_two_read', { label: 'd' }, key)
  await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: key })
  await app.inject({ method: 'GET', url: '/health' })
  const pick = async (query: string) => (await journal(app, query)).map(e => `${e.method} ${e.path} ${e.status}`)
  t.strictSame(await pick('?path=/project/proj_one/key/key_read'), ['PATCH /project/proj_one/key/key_read 200', 'PATCH /project/proj_one/key/key_read 401'])
  t.strictSame(await pick('?path=/project/proj_one/key'), ['GET /project/proj_one/key 200'], 'exact means exact')
  t.strictSame(await pick('?path=/project/proj_one/*'), [
    'PATCH /project/proj_one/key/key_read 200', 'PATCH /project/proj_one/key/key_admin 200', 'PATCH /project/proj_one/key/key_read 401', 'GET /project/proj_one/key 200'
  ])
  t.strictSame(await pick('?path=*'), await pick(''), 'a bare * is everything')
  t.strictSame(await pick('?status=404'), ['PATCH /project/proj_two/key/key_two_read 404'])
  t.strictSame(await pick('?status=401'), ['PATCH /project/proj_one/key/key_read 401'])
  t.strictSame(await pick('?path=/project/*&status=200'), [
    'PATCH /project/proj_one/key/key_read 200', 'PATCH /project/proj_one/key/key_admin 200', 'GET /project/proj_one/key 200'
  ])
  t.strictSame(await pick('?path=/project/proj_three/*'), [])
  t.strictSame(await pick('?status=500'), [])
  t.strictSame(await pick('?path=%2Fproject%2Fproj_two%2F*'), ['PATCH /project/proj_two/key/key_two_read 404'], 'the filter may be URL-encoded')
})

t.test('a bad filter is a 400 naming it', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const [query, message] of [
    ['?status=abc', /^"status" must be a status such as 404 or a class such as 4xx \(got "abc"\)$/],
    ['?status=99', /^"status" must be a status such as 404 or a class such as 4xx \(got "99"\)$/],
    ['?status=2000', /^"status" must be a status such as 404 or a class such as 4xx \(got "2000"\)$/],
    ['?path=', /^"path" must not be empty \(got ""\)$/],
    ['?verb=GET', /^Unknown property "verb" in querystring$/]
  ] as const) {
    const res = await app.inject({ method: 'GET', url: `/__admin/requests${query}`, headers: ADMIN })
    t.equal(res.statusCode, 400, query)
    t.match(res.json(), { error: 'Bad Request', message }, query)
  }
})

t.test('JOURNAL_SIZE=5 keeps only the last 5 requests however many come', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN, JOURNAL_SIZE: 5 } })
  for (let i = 0; i < 23; i++) await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': `req-${i}` } })
  t.strictSame((await journal(app)).map(e => e.request_id), ['req-18', 'req-19', 'req-20', 'req-21', 'req-22'])
  t.strictSame((await journal(app, '?status=200')).map(e => e.request_id), ['req-18', 'req-19', 'req-20', 'req-21', 'req-22'], 'filters read the same ring')
})

t.test('JOURNAL_SIZE=0 keeps nothing', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN, JOURNAL_SIZE: 0 } })
  for (let i = 0; i < 10; i++) await patchKey(app, 'proj_one', 'key_read', { label: `n${i}` }, bearer(SECRETS.key_admin))
  t.strictSame(await journal(app), [])
})

t.test('the default journal stops at 1000 requests', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (let i = 0; i < 1010; i++) await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': `req-${i}` } })
  const entries = await journal(app)
  t.equal(entries.length, 1000)
  t.equal(entries[0]!.request_id, 'req-10')
  t.equal(entries[999]!.request_id, 'req-1009')
})

t.test('never holds a secret or token: not the Authorization header, not verify\'s key, not a created or regenerated value', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const hs = await userToken('user_owner')
  const minted = (await app.inject({ method: 'POST', url: '/__admin/tokens', headers: ADMIN, payload: { user: 'user_admin', alg: 'RS256' } })).json().token as string
  const created = (await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: bearer(hs), payload: { label: 'Made', roles: 'admin' } })).json().key.value as string
  const regenerated = (await app.inject({ method: 'POST', url: '/project/proj_one/key/key_read/regenerate', headers: bearer(minted) })).json().key.value as string
  const secrets = [...Object.values(SECRETS), hs, minted, created, regenerated, ADMIN_TOKEN]

  await patchKey(app, 'proj_one', 'key_read', { label: 'By key' }, bearer(SECRETS.key_admin))
  await patchKey(app, 'proj_one', 'key_read', { label: 'By new key' }, bearer(created))
  await patchKey(app, 'proj_one', 'key_read', { label: 'By token' }, bearer(minted))
  await patchKey(app, 'proj_one', 'key_read', { label: 'By admin token' }, ADMIN)
  const verify = (key: unknown, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/project/proj_one/key/verify', headers, payload: { key } as object })
  t.equal((await verify(regenerated, bearer(hs))).json().is_valid, true)
  await verify(SECRETS.key_two_read, bearer(created))
  await verify(` ${SECRETS.key_admin} `, bearer(hs))
  await verify(`Bearer ${SECRETS.key_admin}`, bearer(hs))
  await verify(minted, bearer(hs))
  await verify(ADMIN_TOKEN, bearer(hs))
  await verify(SECRETS.key_admin, { authorization: `Basic ${SECRETS.key_admin}` })
  // Credentials pasted where they do not belong: labels, unknown properties, an invalid body.
  await patchKey(app, 'proj_one', 'key_read', { label: `my key is ${SECRETS.key_two_admin}` }, bearer(hs))
  await patchKey(app, 'proj_one', 'key_read', { [SECRETS.key_two_admin]: 'x' }, bearer(hs))
  await patchKey(app, 'proj_one', 'key_read', { label: hs }, bearer(hs))
  await patchKey(app, 'proj_one', 'key_read', `{"label": "${SECRETS.key_admin}"`, { ...bearer(hs), 'content-type': 'application/json' })
  await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: bearer(hs), payload: { label: 'x', roles: 'admin', value: SECRETS.key_admin } })

  const entries = await journal(app)
  t.equal(entries.length, 18)
  const text = JSON.stringify(entries)
  for (const secret of secrets) t.notOk(text.includes(secret), `not in the journal: ${secret.slice(0, 14)}...`)
  t.notMatch(text, /basic_key_|eyJ/, 'nothing shaped like a key or a token either')
  t.match(entries.find(e => e.path === '/project/proj_one/key/verify'), { body: { key: '[redacted]' } }, 'verify\'s key is blanked, the entry kept')
  t.match(entries.find(e => (e.body as { label?: string } | null)?.label === 'By key'), { caller: { kind: 'key', key_id: 'key_admin' } }, 'callers by identity')
})

t.test('DELETE /__admin/requests empties the journal, which then fills again', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/health' })
  t.equal((await journal(app)).length, 3)
  const res = await app.inject({ method: 'DELETE', url: '/__admin/requests', headers: ADMIN })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { requests: [] })
  t.strictSame(await journal(app), [])
  await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'after-clear' } })
  t.strictSame((await journal(app)).map(e => e.request_id), ['after-clear'])
})

t.test('DELETE /__admin/requests with a body is a 400 and clears nothing', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  await app.inject({ method: 'GET', url: '/health' })
  const res = await app.inject({ method: 'DELETE', url: '/__admin/requests', headers: ADMIN, payload: { all: true } })
  t.equal(res.statusCode, 400)
  t.strictSame(res.json(), { error: 'Bad Request', message: 'This operation takes no request body' })
  t.equal((await journal(app)).length, 1)
})

t.test('control-plane requests are never journaled, however their path is written', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'the-only-one' } })
  const minted = await app.inject({ method: 'POST', url: '/%5F%5Fadmin/tokens', headers: ADMIN, payload: { user: 'user_owner' } })
  t.equal(minted.statusCode, 200, 'a percent-encoded control-plane path is the control plane')
  const read = await app.inject({ method: 'GET', url: '/__admin/%72equests', headers: ADMIN })
  t.equal(read.statusCode, 200)
  t.same(read.json().requests.map((e: { request_id: string }) => e.request_id), ['the-only-one'])
  t.same((await journal(app)).map(e => e.request_id), ['the-only-one'])
})

t.test('a CORS preflight is the browser\'s, not the client\'s: it is not journaled, the request it clears is', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN, CORS_ORIGIN: 'http://localhost:5173' } })
  const preflight = await app.inject({ method: 'OPTIONS', url: '/project/proj_one/key/key_read', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' } })
  t.equal(preflight.statusCode, 204)
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'From a page' }, { ...bearer(SECRETS.key_admin), origin: 'http://localhost:5173' })).statusCode, 200)
  t.same((await journal(app)).map(e => `${e.method} ${e.status}`), ['PATCH 200'])
})
