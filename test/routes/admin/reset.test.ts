// POST /__admin/reset: back to the seed, whole, in one transaction.
import { once } from 'node:events'
import t from 'tap'
import { INVALID, fixed } from '../../answers.js'
import { Connection, listen, requestBytes } from '../../wire.js'
import { ADMIN, ADMIN_TOKEN, state } from './helper.js'
import { bearer, build, patchKey, SECRETS, userToken } from '../../helper.js'

t.test('puts every user, project, member and key back as seeded, and what was added is gone', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const seed = state(app)
  const owner = bearer(await userToken('user_owner'))
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'Changed', roles: 'other' }, owner)).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: '/project/proj_one/key/key_admin', headers: owner })).statusCode, 200)
  const created = await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: owner, payload: { label: 'New', roles: 'admin' } })
  const newSecret: string = created.json().key.value
  const regenerated = await app.inject({ method: 'POST', url: '/project/proj_two/key/key_two_admin/regenerate', headers: bearer(SECRETS.key_two_admin) })
  t.equal(regenerated.statusCode, 200)
  const loaded = await app.inject({
    method: 'POST',
    url: '/__admin/fixtures',
    headers: ADMIN,
    payload: {
      users: [{ id: 'user_extra', email: 'extra@example.com' }],
      projects: [{ id: 'proj_extra', name: 'Extra', members: [{ user: 'user_extra', role: 'owner' }, { user: 'user_member', role: 'admin' }], keys: [{ id: 'key_extra', label: 'Extra', roles: 'admin', value: 'basic_key_extra_000000000000000000000000' }] }]
    }
  })
  t.equal(loaded.statusCode, 200)
  t.not(JSON.stringify(state(app)), JSON.stringify(seed), 'the data has moved away from the seed')

  const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { created: 14 }, '4 users, 2 projects, 4 members, 4 keys')
  t.strictSame(state(app), seed)

  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))).statusCode, 200, 'a deleted key\'s seed secret works again')
  t.equal((await patchKey(app, 'proj_two', 'key_two_read', { label: 'x' }, bearer(SECRETS.key_two_admin))).statusCode, 200, 'and a regenerated key\'s')
  for (const gone of [newSecret, regenerated.json().key.value as string, 'basic_key_extra_000000000000000000000000']) {
    t.equal((await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: bearer(gone) })).statusCode, 401, 'secrets made since the seed are dead')
  }
  t.equal((await patchKey(app, 'proj_extra', 'key_extra', { label: 'x' }, bearer(await userToken('user_extra')))).statusCode, 404, 'a fixture\'s project is gone')
})

t.test('twice in a row gives the same state', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const first = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
  const after = state(app)
  const second = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
  t.strictSame(first.json(), second.json())
  t.strictSame(state(app), after)
})

t.test('without a seed, everything goes', async t => {
  const { app, rows } = await build(t, { fixture: undefined, config: { ADMIN_TOKEN } })
  const loaded = await app.inject({ method: 'POST', url: '/__admin/fixtures', headers: ADMIN, payload: { users: [{ id: 'u', email: 'u@example.com' }], projects: [{ id: 'p', name: 'P', keys: [{ id: 'k', label: 'K', roles: 'admin', value: 'basic_key_k_000000000000000000000000' }] }] } })
  t.strictSame(loaded.json(), { created: 3 })
  t.equal(rows().length, 1)
  const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
  t.strictSame(res.json(), { created: 0 })
  t.strictSame(state(app), { users: [], projects: [], members: [], keys: [] })
})

t.test('the demo data is the seed when the server loaded it', async t => {
  const { app, rows } = await build(t, { fixture: undefined, demo: true, config: { ADMIN_TOKEN } })
  const seed = state(app)
  for (const key of ['key_demo', 'key_demo_delete', 'key_demo_regenerate']) {
    await app.inject({ method: 'DELETE', url: `/project/proj_demo/key/${key}`, headers: bearer(await userToken('user_demo')) })
  }
  t.equal(rows().length, 0)
  // A user, a project, a membership, the demo key and the two disposable keys.
  t.strictSame((await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })).json(), { created: 6 })
  t.strictSame(state(app), seed)
})

t.test('a body is a 400 and nothing is reset', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'Changed' }, bearer(SECRETS.key_admin))).statusCode, 200)
  const before = state(app)
  const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN, payload: { seed: 'other' } })
  t.equal(res.statusCode, 400)
  t.strictSame(res.json(), { error: 'Bad Request', message: 'This operation takes no request body' })
  t.strictSame(state(app), before)
})

t.test('a reset while a create is in flight: the create answers as the state after the reset says, and adds nothing', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const secret = 'basic_key_loaded_00000000000000000000000'
  const loaded = await l.app.inject({
    method: 'POST',
    url: '/__admin/fixtures',
    headers: ADMIN,
    payload: { projects: [{ id: 'proj_loaded', name: 'Loaded', keys: [{ id: 'key_loaded', label: 'Loaded', roles: 'admin', value: secret }] }] }
  })
  t.strictSame(loaded.json(), { created: 2 })
  const connection = await Connection.open(t, l.port)
  const body = '{"label":"Made in flight","roles":"admin"}'
  const bytes = requestBytes('POST', '/project/proj_loaded/key', { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body)
  const arrived = once(l.app.server, 'request')
  await connection.write(bytes.slice(0, -body.length + 1))
  await arrived
  const seed = state(l.app)
  const reset = await l.app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
  t.equal(reset.statusCode, 200)
  const afterReset = state(l.app)
  await connection.write(bytes.slice(-body.length + 1))
  const [answer] = await connection.read(1, 'the answer to the parked create')
  t.same(fixed(answer!), INVALID, 'the key is gone with the reset: the unknown credential\'s 401, not a 500')
  t.strictSame(state(l.app), afterReset, 'nothing added after the reset')
  t.notSame(afterReset, seed)
})
