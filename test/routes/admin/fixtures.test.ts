// POST /__admin/fixtures: loads a fixture body as the seed file is loaded, or nothing of it.
import t from 'tap'
import { ADMIN, ADMIN_TOKEN, state } from './helper.js'
import { bearer, build, patchKey, SECRETS, userToken } from '../../helper.js'

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
