// The control plane: only its bearer sees it, each route does what it says, bad input is a 400 that changes nothing.
import t from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { bearer, build, patchKey, SECRETS, userToken } from '../helper.js'

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'
const ADMIN = bearer(ADMIN_TOKEN)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

type Method = 'GET' | 'POST' | 'DELETE'
interface Route { method: Method, url: string, payload?: object }

// Every control-plane route, each with input it accepts.
const ROUTES: Route[] = [
  { method: 'POST', url: '/__admin/reset' },
  { method: 'POST', url: '/__admin/fixtures', payload: { users: [{ id: 'user_new', email: 'new@example.com' }] } },
  { method: 'GET', url: '/__admin/requests' },
  { method: 'GET', url: '/__admin/requests?path=/project/*&status=200' },
  { method: 'DELETE', url: '/__admin/requests' },
  { method: 'POST', url: '/__admin/tokens', payload: { user: 'user_owner', alg: 'HS256' } }
]

/** Everyone who is not the admin token's bearer. */
async function strangers (): Promise<Array<[string, Record<string, string>]>> {
  return [
    ['no Authorization header', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a wrong token', bearer('not-the-admin-token-0123456789')],
    ['the admin token and one character more', bearer(`${ADMIN_TOKEN}x`)],
    ['the admin token but its last character', bearer(ADMIN_TOKEN.slice(0, -1))],
    ['the admin token without a scheme', { authorization: ADMIN_TOKEN }],
    ['the admin token as Basic credentials', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }],
    ['the admin token under another scheme', { authorization: `Token ${ADMIN_TOKEN}` }],
    ['a valid user JWT of the project owner', bearer(await userToken('user_owner'))],
    ['a valid admin API key', bearer(SECRETS.key_admin)]
  ]
}

function send (app: FastifyInstance, route: Route, headers: Record<string, string>, payload?: InjectOptions['payload']): Promise<LightMyRequestResponse> {
  const body = payload ?? route.payload as InjectOptions['payload']
  return app.inject({ method: route.method, url: route.url, headers, ...(body === undefined ? {} : { payload: body }) })
}

/** An answer without what differs per request (date, request id). */
function bytes (res: LightMyRequestResponse) {
  const { date, 'x-request-id': id, ...headers } = res.headers
  return { status: res.statusCode, headers, body: res.body }
}

function notFound (method: string, url: string): string {
  return JSON.stringify({ error: 'Not Found', message: `Route ${method} ${url.split('?')[0]} not found` })
}

/** Every row of the seeded tables, times left out (the seed is reloaded at a new "now"). */
function state (app: FastifyInstance) {
  return {
    users: app.db.prepare('SELECT id, email, name FROM users ORDER BY id').all(),
    projects: app.db.prepare('SELECT id, name FROM projects ORDER BY id').all(),
    members: app.db.prepare('SELECT project_id, user_id, role FROM project_members ORDER BY project_id, user_id').all(),
    keys: app.db.prepare(`SELECT id, project_id, label, roles, hex(key_hash) AS hash, is_private, last_used, created_at = updated_at AS unchanged
      FROM api_keys ORDER BY id`).all()
  }
}

async function journal (app: FastifyInstance, query = ''): Promise<Array<Record<string, unknown>>> {
  const res = await app.inject({ method: 'GET', url: `/__admin/requests${query}`, headers: ADMIN })
  if (res.statusCode !== 200) throw new Error(`journal: ${res.statusCode} ${res.body}`)
  return res.json().requests
}

function claims (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
}

function header (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
}

t.test('without ADMIN_TOKEN every /__admin route answers the unknown-route 404, even to the would-be admin token', async t => {
  const { app } = await build(t)
  const before = state(app)
  const unknown = bytes(await app.inject({ method: 'POST', url: '/__nowhere' }))
  for (const route of ROUTES) {
    for (const [who, headers] of [...await strangers(), ['the would-be admin token', ADMIN] as [string, Record<string, string>]]) {
      const res = await send(app, route, headers)
      t.equal(res.statusCode, 404, `${route.method} ${route.url}, ${who}`)
      t.equal(res.body, notFound(route.method, route.url))
      t.strictSame(Object.keys(res.headers).sort(), Object.keys(unknown.headers).concat('date', 'x-request-id').sort(), 'the headers of any unknown route')
      t.equal(res.headers['content-type'], unknown.headers['content-type'])
    }
  }
  t.strictSame(state(app), before, 'nothing changed')
})

t.test('with ADMIN_TOKEN, anyone but its bearer gets the very bytes of an absent control plane and changes nothing', async t => {
  const { app: on } = await build(t, { config: { ADMIN_TOKEN } })
  const { app: off } = await build(t)
  // Something for reset to undo and for DELETE /__admin/requests to clear.
  t.equal((await patchKey(on, 'proj_one', 'key_read', { label: 'Changed' }, bearer(SECRETS.key_admin))).statusCode, 200)
  const before = state(on)
  const journaled = await journal(on)
  t.equal(journaled.length, 1)
  for (const route of ROUTES) {
    for (const [who, headers] of await strangers()) {
      const res = await send(on, route, headers)
      t.strictSame(bytes(res), bytes(await send(off, route, headers)), `${route.method} ${route.url}, ${who}`)
      t.equal(res.body, notFound(route.method, route.url))
    }
  }
  t.strictSame(state(on), before, 'no reset, no fixture')
  t.strictSame(await journal(on), journaled, 'the journal is neither cleared nor fed by /__admin requests')
})

t.test('a stranger\'s oversized or malformed body still gets the 404, never a 400 that would reveal the route', async t => {
  const { app: on } = await build(t, { config: { ADMIN_TOKEN } })
  const { app: off } = await build(t)
  const fixtures = ROUTES[1]!
  for (const [what, payload, type] of [
    ['2 MiB', JSON.stringify({ users: [], pad: 'x'.repeat(2 * 1024 * 1024) }), 'application/json'],
    ['invalid JSON', '{"users": [', 'application/json'],
    ['not JSON', 'users=1', 'text/plain']
  ] as const) {
    const headers = { ...bearer('not-the-admin-token-0123456789'), 'content-type': type }
    const res = await send(on, fixtures, headers, payload)
    const absent = await send(off, fixtures, headers, payload)
    // Only `connection` may differ: the absent route reads a body it then refuses, the present one never reads it.
    t.strictSame({ ...bytes(res), headers: { ...bytes(res).headers, connection: '' } }, { ...bytes(absent), headers: { ...bytes(absent).headers, connection: '' } }, what)
    t.equal(res.statusCode, 404, what)
  }
})

t.test('the admin token is accepted whatever the case of its Bearer scheme, as every bearer is', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const res = await app.inject({ method: 'GET', url: '/__admin/requests', headers: { authorization: `${scheme} ${ADMIN_TOKEN}` } })
    t.equal(res.statusCode, 200, scheme)
  }
})

t.test('an unknown /__admin path is the unknown-route 404 for the admin too', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const [method, url] of [['GET', '/__admin'], ['GET', '/__admin/'], ['POST', '/__admin/nothing'], ['GET', '/__admin/reset'], ['PUT', '/__admin/requests']] as const) {
    const res = await app.inject({ method, url, headers: ADMIN })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.body, notFound(method, url))
  }
})

t.test('POST /__admin/reset', async t => {
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
    await app.inject({ method: 'POST', url: '/__admin/fixtures', headers: ADMIN, payload: { users: [{ id: 'u', email: 'u@example.com' }], projects: [{ id: 'p', name: 'P', keys: [{ id: 'k', label: 'K', roles: 'admin', value: 'basic_key_k_000000000000000000000000' }] }] } })
    t.equal(rows().length, 1)
    const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })
    t.strictSame(res.json(), { created: 0 })
    t.strictSame(state(app), { users: [], projects: [], members: [], keys: [] })
  })

  t.test('the demo data is the seed when the server loaded it', async t => {
    const { app, rows } = await build(t, { fixture: undefined, demo: true, config: { ADMIN_TOKEN } })
    const seed = state(app)
    await app.inject({ method: 'DELETE', url: '/project/proj_demo/key/key_demo', headers: bearer(await userToken('user_demo')) })
    t.equal(rows().length, 0)
    t.strictSame((await app.inject({ method: 'POST', url: '/__admin/reset', headers: ADMIN })).json(), { created: 4 })
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
})

t.test('POST /__admin/fixtures', async t => {
  const FIXTURE = {
    users: [{ id: 'user_new', email: 'new@example.com', name: 'New' }],
    projects: [{
      id: 'proj_new',
      name: 'New',
      members: [{ user: 'user_new', role: 'owner' }, { user: 'user_member', role: 'admin' }],
      keys: [{ id: 'key_new', label: ' New key ', roles: 'admin, read,admin', value: 'basic_key_new_00000000000000000000000000', is_private: false }]
    }]
  }

  t.test('loads users, projects, members and keys whose secrets then work, and a second load adds nothing', async t => {
    const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
    const res = await app.inject({ method: 'POST', url: '/__admin/fixtures', headers: ADMIN, payload: FIXTURE })
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), { created: 5 })
    t.match(row('key_new'), { project_id: 'proj_new', label: 'New key', roles: 'admin,read', is_private: 0 }, 'stored normalised like any key')
    const patched = await patchKey(app, 'proj_new', 'key_new', { label: 'Renamed' }, bearer('basic_key_new_00000000000000000000000000'))
    t.equal(patched.statusCode, 200, 'the fixture key\'s secret is a working bearer')
    t.equal((await patchKey(app, 'proj_new', 'key_new', { roles: 'admin' }, bearer(await userToken('user_member')))).statusCode, 200, 'a member added to a new project')
    t.equal((await patchKey(app, 'proj_new', 'key_new', { roles: 'admin' }, bearer(await userToken('user_new')))).statusCode, 200, 'a new user')

    const again = await app.inject({ method: 'POST', url: '/__admin/fixtures', headers: ADMIN, payload: FIXTURE })
    t.strictSame(again.json(), { created: 0 })
    t.equal(row('key_new')?.label, 'Renamed', 'existing rows are kept as they are')
  })

  t.test('takes a fixture far over the 16 KiB of key bodies, up to 1 MiB', async t => {
    const { app } = await build(t, { config: { ADMIN_TOKEN } })
    const users = Array.from({ length: 5000 }, (_, i) => ({ id: `user_${i}`, email: `user${i}@example.com` }))
    const payload = JSON.stringify({ users })
    t.ok(payload.length > 100_000)
    const res = await app.inject({ method: 'POST', url: '/__admin/fixtures', headers: { ...ADMIN, 'content-type': 'application/json' }, payload })
    t.strictSame(res.json(), { created: 5000 })
  })

  const BAD: Array<[string, string | object, RegExp, string?]> = [
    ['a member who is no user', {
      users: [{ id: 'user_fine', email: 'fine@example.com' }],
      projects: [{ id: 'proj_bad', name: 'Bad', members: [{ user: 'user_fine', role: 'owner' }, { user: 'user_ghost', role: 'admin' }] }]
    }, /^projects\[0\]\.members\[1\]\.user: unknown user "user_ghost"$/],
    ['a key value that is too short', { projects: [{ id: 'proj_one', name: 'One', keys: [{ id: 'key_bad', label: 'B', roles: 'admin', value: 'basic_key_short' }] }] },
      /^projects\[0\]\.keys\[0\]\.value: must start with basic_key_/],
    ['a key value without the prefix', { projects: [{ id: 'proj_one', name: 'One', keys: [{ id: 'key_bad', label: 'B', roles: 'admin', value: 'sk_live_000000000000000000000000000' }] }] },
      /^projects\[0\]\.keys\[0\]\.value: must start with basic_key_/],
    ['another key\'s secret', {
      users: [{ id: 'user_fine', email: 'fine@example.com' }],
      projects: [{ id: 'proj_one', name: 'One', keys: [{ id: 'key_copy', label: 'Copy', roles: 'admin', value: SECRETS.key_read }] }]
    }, /^projects\[0\]\.keys\[0\]\.value: already the secret of key "key_read"$/],
    ['a key of another project', { projects: [{ id: 'proj_one', name: 'One', keys: [{ id: 'key_two_read', label: 'B', roles: 'admin', value: 'basic_key_new_00000000000000000000000000' }] }] },
      /^projects\[0\]\.keys\[0\]\.id: key "key_two_read" already belongs to project "proj_two"$/],
    ['a duplicate id', { users: [{ id: 'user_x', email: 'a@example.com' }, { id: 'user_x', email: 'b@example.com' }] }, /^users\[1\]\.id: duplicate id "user_x"$/],
    ['bad roles', { projects: [{ id: 'proj_new', name: 'New', keys: [{ id: 'key_bad', label: 'B', roles: 'a,,b', value: 'basic_key_new_00000000000000000000000000' }] }] },
      /^projects\[0\]\.keys\[0\]\.roles: /],
    ['a label with a control character', { projects: [{ id: 'proj_new', name: 'New', keys: [{ id: 'key_bad', label: 'a\u0007b', roles: 'read', value: 'basic_key_new_00000000000000000000000000' }] }] },
      /^projects\[0\]\.keys\[0\]\.label: /],
    ['an unknown role of a member', { projects: [{ id: 'proj_one', name: 'One', members: [{ user: 'user_member', role: 'god' }] }] }, /^projects\[0\]\.members\[0\]\.role: must be one of owner, admin, member$/],
    ['an unknown property', { users: [], things: [] }, /^things: unexpected property$/],
    ['an unknown property deep inside', { users: [{ id: 'user_x', email: 'x@example.com', admin: true }] }, /^users\[0\]\.admin: unexpected property$/],
    ['an id with a slash', { users: [{ id: 'user/x', email: 'x@example.com' }] }, /^users\[0\]\.id: must be 1 to 128 characters of A-Z a-z 0-9 _ -$/],
    ['a number for a string', { users: [{ id: 'user_x', email: 7 }] }, /^users\[0\]\.email: /],
    ['invalid JSON', '{"users": [', /^Request body is not valid JSON/],
    ['an empty body', '', /^Request body is empty/],
    ['an array', '[]', /^The request body must be a JSON object, not an array$/],
    ['JSON null', 'null', /^The request body must be a JSON object, not null$/],
    ['a __proto__ key', '{"users":[],"__proto__":{"admin":true}}', /__proto__/],
    ['another content type', '{"users":[]}', /^Content-Type must be application\/json$/, 'text/plain'],
    ['a body over 1 MiB', JSON.stringify({ users: [], pad: 'x'.repeat(1024 * 1024) }), /^Request body is larger than 1048576 bytes$/]
  ]
  t.test('a bad fixture is a 400 naming the problem, and nothing of it is loaded', async t => {
    const { app } = await build(t, { config: { ADMIN_TOKEN } })
    const before = state(app)
    for (const [what, payload, message, type] of BAD) {
      const res = await app.inject({
        method: 'POST',
        url: '/__admin/fixtures',
        headers: { ...ADMIN, 'content-type': type ?? 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload)
      })
      t.equal(res.statusCode, 400, what)
      t.match(res.json(), { error: 'Bad Request', message }, what)
      t.strictSame(Object.keys(res.json()), ['error', 'message'])
      t.strictSame(state(app), before, `${what}: nothing loaded`)
    }
  })
})

t.test('GET /__admin/requests', async t => {
  t.test('journals every other request once answered, oldest first, with exactly its time, id, method, path, status, caller and body', async t => {
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
      t.strictSame(Object.keys(entry).sort(), ['body', 'caller', 'method', 'path', 'request_id', 'status', 'time'])
      t.match(entry.time, ISO_MS)
      t.ok(Date.parse(entry.time as string) >= started - 1 && Date.parse(entry.time as string) <= Date.now())
    }
    t.strictSame(entries.map(e => e.request_id), answers.map(a => a.headers['x-request-id']), 'the id each client was given')
    t.equal(entries[0]!.request_id, 'client-id-1')
    t.match(entries[1]!.request_id, UUID)
    t.strictSame(entries.map(({ time, request_id: id, ...rest }) => rest), [
      { method: 'PATCH', path: '/project/proj_one/key/key_read', status: 200, caller: { kind: 'key', key_id: 'key_admin', project_id: 'proj_one' }, body: { label: 'By key' } },
      { method: 'PATCH', path: '/project/proj_one/key/key_read', status: 200, caller: { kind: 'user', user_id: 'user_owner' }, body: { roles: 'read' } },
      { method: 'GET', path: '/project/proj_one/key', status: 401, caller: null, body: null },
      { method: 'PATCH', path: '/project/proj_one/key/key_read', status: 401, caller: null, body: null },
      { method: 'GET', path: '/health', status: 200, caller: null, body: null },
      { method: 'GET', path: '/no/such/route', status: 404, caller: null, body: null }
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
      ['?status=abc', /"status" must match pattern/],
      ['?status=99', /"status" must match pattern/],
      ['?status=2000', /"status" must match pattern/],
      ['?path=', /"path"/],
      ['?method=GET', /^Unknown property "method" in querystring$/]
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
})

t.test('POST /__admin/tokens', async t => {
  const mint = (app: FastifyInstance, payload: unknown) =>
    app.inject({ method: 'POST', url: '/__admin/tokens', headers: { ...ADMIN, 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })

  t.test('mints an HS256 token for an hour by default, which PATCH accepts as that user', async t => {
    const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
    const before = Math.floor(Date.now() / 1000)
    const res = await mint(app, { user: 'user_owner' })
    t.equal(res.statusCode, 200)
    const { token, alg, expires_at: expiresAt } = res.json()
    t.strictSame(Object.keys(res.json()), ['token', 'alg', 'expires_at'])
    t.equal(alg, 'HS256')
    t.equal(header(token).alg, 'HS256')
    const { sub, iat, exp } = claims(token) as { sub: string, iat: number, exp: number }
    t.equal(sub, 'user_owner')
    t.ok(iat >= before && iat <= Math.floor(Date.now() / 1000), 'issued now')
    t.equal(exp - iat, 3600)
    t.equal(expiresAt, new Date(exp * 1000).toISOString())
    const patched = await patchKey(app, 'proj_one', 'key_read', { label: 'By minted HS256' }, bearer(token))
    t.equal(patched.statusCode, 200)
    t.equal(row('key_read')?.label, 'By minted HS256')
  })

  t.test('mints an RS256 token with the server\'s kid, which PATCH accepts', async t => {
    const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
    const res = await mint(app, { user: 'user_admin', alg: 'RS256', expires_in: '15m' })
    t.equal(res.statusCode, 200)
    const { token, alg } = res.json()
    t.equal(alg, 'RS256')
    const jwks = (await app.inject('/auth/.well-known/jwks.json')).json() as { keys: Array<{ kid: string }> }
    t.strictSame(header(token), { alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]!.kid })
    const { iat, exp } = claims(token) as { iat: number, exp: number }
    t.equal(exp - iat, 900)
    t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'By minted RS256' }, bearer(token))).statusCode, 200)
    t.equal(row('key_read')?.label, 'By minted RS256')
  })

  t.test('expires_in is the time from iat to exp, in seconds, minutes, hours or days', async t => {
    const { app } = await build(t, { config: { ADMIN_TOKEN } })
    for (const [given, seconds] of [['90', 90], ['90s', 90], ['15m', 900], ['2h', 7200], ['7d', 604800]] as const) {
      const { token } = (await mint(app, { user: 'user_owner', expires_in: given })).json()
      const { iat, exp } = claims(token) as { iat: number, exp: number }
      t.equal(exp - iat, seconds, given)
    }
  })

  t.test('a token for a user the server does not know is minted, and sees no project', async t => {
    const { app } = await build(t, { config: { ADMIN_TOKEN } })
    const { token } = (await mint(app, { user: 'user_nobody' })).json()
    t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(token))).statusCode, 404)
  })

  const BAD: Array<[string, unknown, RegExp]> = [
    ['no user', {}, /^Missing required property "user" in request body$/],
    ['an empty user', { user: '' }, /"user"/],
    ['a user that is not a string', { user: 7 }, /^"user" must be a string, not a number$/],
    ['alg none', { user: 'user_owner', alg: 'none' }, /"alg"/],
    ['alg HS512', { user: 'user_owner', alg: 'HS512' }, /"alg"/],
    ['a lower-case alg', { user: 'user_owner', alg: 'hs256' }, /"alg"/],
    ['expires_in 0', { user: 'user_owner', expires_in: '0' }, /^"expires_in" must look like 90s, 15m, 1h or 7d \(got "0"\)$/],
    ['a negative expires_in', { user: 'user_owner', expires_in: '-5m' }, /"expires_in" must look like/],
    ['expires_in in years', { user: 'user_owner', expires_in: '1y' }, /"expires_in" must look like/],
    ['expires_in as a number', { user: 'user_owner', expires_in: 60 }, /^"expires_in" must be a string, not a number$/],
    ['an unknown property', { user: 'user_owner', scope: 'admin' }, /^Unknown property "scope" in request body$/],
    ['invalid JSON', '{"user":', /^Request body is not valid JSON/],
    ['an empty body', '', /^Request body is empty/]
  ]
  t.test('bad input is a 400 naming the problem, and no token', async t => {
    const { app } = await build(t, { config: { ADMIN_TOKEN } })
    for (const [what, payload, message] of BAD) {
      const res = await mint(app, payload)
      t.equal(res.statusCode, 400, what)
      t.match(res.json(), { error: 'Bad Request', message }, what)
      t.strictSame(Object.keys(res.json()), ['error', 'message'])
    }
  })
})
