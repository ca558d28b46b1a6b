// POST /project/:id/key: the 200 and its row, every body rule as a 400 that changes nothing, and the 401/404 rows.
import t from 'tap'
import { createHash } from 'node:crypto'
import { assertBadRequest, bearer, build, SECRETS, userToken } from '../../../helper.js'
import { call, changedIds, ISO_MS, NEW_SECRET, operation, UUID } from './operations.js'

const create = operation('create')
const admin = bearer(SECRETS.key_admin)
const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()

t.test('creates a key: exactly id, label, roles, value and created_at, normalised, and one new row', async t => {
  const clock = { now: () => Date.parse('2026-03-04T05:06:07.000Z') }
  const { app, rows, row } = await build(t, { clock })
  const before = rows()
  clock.now = () => Date.parse('2026-03-04T05:06:07.891Z')
  const res = await call(app, create, 'proj_one', '', admin, { label: '  Nightly CI  ', roles: ' read , app:db:write,read,* ' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  const { key } = res.json()
  t.match(key.id, UUID)
  t.match(key.value, NEW_SECRET)
  t.strictSame(res.json(), { key: { id: key.id, label: 'Nightly CI', roles: 'read,app:db:write,*', value: key.value, created_at: '2026-03-04T05:06:07.891Z' } })
  t.match(key.created_at, ISO_MS)

  t.strictSame(changedIds(before, rows()), [key.id, 'key_admin'].sort(), 'the new row, and the calling key\'s last_used')
  const stored = row(key.id)!
  t.strictSame({ ...stored, key_hash: stored.key_hash.toString('hex') }, {
    id: key.id,
    project_id: 'proj_one',
    label: 'Nightly CI',
    roles: 'read,app:db:write,*',
    key_hash: sha256(key.value).toString('hex'),
    created_at: Date.parse('2026-03-04T05:06:07.891Z'),
    updated_at: Date.parse('2026-03-04T05:06:07.891Z'),
    last_used: null,
    is_private: 1
  }, 'only the SHA-256 of the secret is stored')
  t.notOk(JSON.stringify(rows()).includes(key.value.slice(10)), 'the secret itself is nowhere in the table')
})

t.test('the secret is shown once: the new key works as a bearer, and no later answer carries it', async t => {
  const { app } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  const made = (await call(app, create, 'proj_one', '', owner, { label: 'Deployer', roles: 'admin' })).json().key
  const list = await call(app, operation('list'), 'proj_one', '', bearer(made.value))
  t.equal(list.statusCode, 200, 'the new admin key manages the project')
  const get = await call(app, operation('get'), 'proj_one', made.id, owner)
  for (const res of [list, get]) t.notOk(res.body.includes(made.value), 'the secret is not repeated')
  t.notOk('value' in get.json().key)
})

t.test('every key gets its own id and secret, and a key without admin authenticates but may not manage', async t => {
  const { app, rows } = await build(t)
  const made = []
  for (let i = 0; i < 5; i++) made.push((await call(app, create, 'proj_one', '', admin, { label: `Key ${i}`, roles: 'read' })).json().key)
  t.equal(new Set(made.map(key => key.id)).size, 5)
  t.equal(new Set(made.map(key => key.value)).size, 5)
  t.equal(rows().length, 4 + 5)
  const res = await call(app, operation('list'), 'proj_one', '', bearer(made[0].value))
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer realm="basic-admin", error="insufficient_scope"', 'a live key, not an invalid token')
})

t.test('a key created in another project belongs to that project only', async t => {
  const { app, row } = await build(t)
  const res = await call(app, create, 'proj_two', '', bearer(await userToken('user_outsider')), { label: 'Two CI', roles: 'admin' })
  t.equal(res.statusCode, 200)
  const { id, value } = res.json().key
  t.equal(row(id)?.project_id, 'proj_two')
  t.equal((await call(app, operation('list'), 'proj_one', '', bearer(value))).statusCode, 404, 'it cannot see proj_one')
})

t.test('accepts the limits: 255 characters after trimming, 32 distinct roles, duplicates beyond 32 items', async t => {
  const { app, row } = await build(t)
  const label = '\u{1F511}'.repeat(255)
  const roles = Array.from({ length: 32 }, (_, i) => `r${i}`)
  const res = await call(app, create, 'proj_one', '', admin, { label: ` ${label} `, roles: [...roles, ...roles].join(' , ') })
  t.equal(res.statusCode, 200)
  t.equal(res.json().key.label, label, 'characters are code points, not UTF-16 units')
  t.equal(row(res.json().key.id)?.roles, roles.join(','))
})

const json = { 'content-type': 'application/json' }
const valid = { label: 'Fine', roles: 'read' }
// [what is sent, the payload (a string is sent as is), extra headers, the message the 400 carries]
const rejected: Array<[string, unknown, Record<string, string>, string]> = [
  ['a body without label', { roles: 'read' }, json, 'Missing required property "label" in request body'],
  ['a body without roles', { label: 'Fine' }, json, 'Missing required property "roles" in request body'],
  ['an empty object', {}, json, 'Missing required property "label" in request body'],
  ['an unknown property', { ...valid, scope: 'all' }, json, 'Unknown property "scope" in request body'],
  ['an id chosen by the client', { ...valid, id: 'key_mine' }, json, 'Unknown property "id" in request body'],
  ['a secret chosen by the client', { ...valid, value: SECRETS.key_admin }, json, 'Unknown property "value" in request body'],
  ['a number label', { ...valid, label: 123 }, json, '"label" must be a string, not a number'],
  ['a null label', { ...valid, label: null }, json, '"label" must be a string, not null'],
  ['an array roles', { ...valid, roles: ['read'] }, json, '"roles" must be a string, not an array'],
  ['a boolean roles', { ...valid, roles: true }, json, '"roles" must be a string, not a boolean'],
  ['an object label', { ...valid, label: { text: 'x' } }, json, '"label" must be a string, not an object'],
  ['an empty label', { ...valid, label: '' }, json, 'label must not be empty or only whitespace'],
  ['a whitespace label', { ...valid, label: ' \u3000 ' }, json, 'label must not be empty or only whitespace'],
  ['a 256-character label', { ...valid, label: 'x'.repeat(256) }, json, 'label must be at most 255 characters after trimming (got 256)'],
  ['a label with a tab', { ...valid, label: 'a\tb' }, json, 'label must not contain control characters'],
  ['a label with DEL', { ...valid, label: 'a\u007fb' }, json, 'label must not contain control characters'],
  ['a label with a lone surrogate', '{"label":"a\\ud800b","roles":"read"}', json, 'label must be valid Unicode (it contains a lone surrogate)'],
  ['an empty roles string', { ...valid, roles: '' }, json, 'roles must not contain empty items'],
  ['an empty role item', { ...valid, roles: 'read,,write' }, json, 'roles must not contain empty items'],
  ['a trailing comma', { ...valid, roles: 'read,' }, json, 'roles must not contain empty items'],
  ['a role with a space inside', { ...valid, roles: 'read write' }, json, 'roles: "read write" is not a valid role name'],
  ['a role with a slash', { ...valid, roles: 'db/write' }, json, 'roles: "db/write" is not a valid role name'],
  ['33 distinct roles', { ...valid, roles: Array.from({ length: 33 }, (_, i) => `r${i}`).join(',') }, json, 'roles must list at most 32 distinct roles (got 33)'],
  ['JSON null', 'null', json, 'The request body must be a JSON object, not null'],
  ['a JSON array', '[{"label":"x","roles":"read"}]', json, 'The request body must be a JSON object, not an array'],
  ['malformed JSON', '{"label":"x",', json, 'Request body is not valid JSON'],
  ['an empty body with a JSON content type', '', json, 'Request body is empty'],
  ['no body at all', undefined, {}, 'A request body is required'],
  ['a text/plain body', JSON.stringify(valid), { 'content-type': 'text/plain' }, 'Content-Type must be application/json'],
  ['a body over 16 KiB', JSON.stringify({ ...valid, label: 'x'.repeat(16 * 1024) }), json, 'Request body is larger than 16384 bytes'],
  ['a __proto__ key', '{"label":"x","roles":"read","__proto__":{"admin":true}}', json, 'Request body must not contain the key "__proto__"'],
  ['a constructor key', '{"label":"x","roles":"read","constructor":{}}', json, 'Request body must not contain the key "constructor"']
]

t.test('every body that breaks a rule is a 400 naming the problem, and no key is created', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  for (const [what, payload, headers, message] of rejected) {
    await t.test(`rejects ${what}`, async t => {
      const res = payload === undefined
        ? await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: { ...admin, ...headers } })
        : await call(app, create, 'proj_one', '', { ...admin, ...headers }, payload)
      assertBadRequest(t, res, message)
      t.strictSame(rows(), before, 'no row added, and the caller\'s last_used kept')
    })
  }
})
