// docs/api.md ("Request bodies") for PATCH: strict bodies, normalisation, exact answers, atomic writes.
import t from 'tap'
import { buildApp } from '../../../../src/app.js'
import { assertBadRequest, build, bearer, patchKey, SECRETS, testConfig, FIXTURE, userToken } from '../../../helper.js'

const auth = bearer(SECRETS.key_admin)
const json = { ...auth, 'content-type': 'application/json' }
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

// [what is sent, raw payload (string) or value, extra headers, the message the 400 must carry]
const rejected: Array<[string, unknown, Record<string, string>, string]> = [
  ['an unknown property', { label: 'x', scope: 'all' }, json, 'Unknown property "scope" in request body'],
  ['a number label', { label: 123 }, json, '"label" must be a string, not a number'],
  ['a boolean roles', { roles: true }, json, '"roles" must be a string, not a boolean'],
  ['a null label', { label: null }, json, '"label" must be a string, not null'],
  ['an array label', { label: ['x'] }, json, '"label" must be a string, not an array'],
  ['an empty object', {}, json, 'The request body must contain at least one of: label, roles'],
  ['a JSON null body', 'null', json, 'The request body must be a JSON object, not null'],
  ['a JSON array body', '[{"label":"x"}]', json, 'The request body must be a JSON object, not an array'],
  ['a JSON string body', '"label"', json, 'The request body must be a JSON object, not a string'],
  ['an empty label', { label: '' }, json, 'label must not be empty or only whitespace'],
  ['a whitespace label', { label: ' \u3000 ' }, json, 'label must not be empty or only whitespace'],
  ['a 256-character label', { label: 'x'.repeat(256) }, json, 'label must be at most 255 characters after trimming (got 256)'],
  ['a label with a newline', { label: 'a\nb' }, json, 'label must not contain control characters'],
  ['a label with a NUL', { label: 'a\u0000b' }, json, 'label must not contain control characters'],
  ['a label with DEL', { label: 'a\u007fb' }, json, 'label must not contain control characters'],
  ['a label with a lone surrogate', '{"label":"a\\ud800b"}', json, 'label must be valid Unicode (it contains a lone surrogate)'],
  ['a role with a space inside', { roles: 'read write' }, json, 'roles: "read write" is not a valid role name'],
  ['a role with a slash', { roles: 'read,db/write' }, json, 'roles: "db/write" is not a valid role name'],
  ['an empty roles string', { roles: '' }, json, 'roles must not contain empty items'],
  ['an empty role item', { roles: 'read,,write' }, json, 'roles must not contain empty items'],
  ['a trailing comma', { roles: 'read,' }, json, 'roles must not contain empty items'],
  ['33 distinct roles', { roles: Array.from({ length: 33 }, (_, i) => `r${i}`).join(',') }, json, 'roles must list at most 32 distinct roles (got 33)'],
  ['a valid label with invalid roles (atomic)', { label: 'Fine', roles: 'bad role' }, json, 'roles: "bad role" is not a valid role name'],
  ['invalid JSON', '{"label": "x"', json, 'Request body is not valid JSON'],
  ['an empty body with a JSON content type', '', json, 'Request body is empty'],
  ['a text/plain body', '{"label":"x"}', { ...auth, 'content-type': 'text/plain' }, 'Content-Type must be application/json'],
  ['a form body', 'label=x', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, 'Content-Type must be application/json'],
  ['a body without a content type', undefined, auth, 'A request body is required'],
  ['a body over 16 KiB', JSON.stringify({ label: 'x'.repeat(16 * 1024) }), json, 'Request body is larger than 16384 bytes'],
  ['a __proto__ key', '{"label":"x","__proto__":{"admin":true}}', json, 'Request body must not contain the key "__proto__"'],
  ['an escaped __proto__ key', '{"label":"x","\\u005f_proto__":{}}', json, 'Request body must not contain the key "__proto__"'],
  ['a constructor key', '{"label":"x","constructor":{"prototype":{}}}', json, 'Request body must not contain the key "constructor"'],
  ['a charset other than UTF-8', '{"label":"x"}', { ...auth, 'content-type': 'application/json; charset=latin1' }, 'Content-Type charset must be utf-8 (got "latin1")'],
  ['bytes that are not UTF-8', Buffer.from([...Buffer.from('{"label":"caf'), 0xe9, ...Buffer.from('"}')]), json, 'Request body is not valid UTF-8']
]

for (const [name, payload, headers, message] of rejected) {
  t.test(`rejects ${name} with 400 and changes nothing`, async t => {
    const { app, rows } = await build(t)
    const before = rows()
    const raw = typeof payload === 'string' || Buffer.isBuffer(payload) || payload === undefined
    const res = await patchKey(app, 'proj_one', 'key_read', raw ? payload : JSON.stringify(payload), headers)
    assertBadRequest(t, res, message)
    t.strictSame(rows(), before)
  })
}

t.test('a body of exactly the limit is parsed, not refused for size', async t => {
  const { app } = await build(t)
  const payload = JSON.stringify({ label: 'x'.repeat(16 * 1024 - 12) })
  t.equal(Buffer.byteLength(payload), 16 * 1024)
  const res = await patchKey(app, 'proj_one', 'key_read', payload, json)
  t.equal(res.statusCode, 400)
  t.match(res.json().message, 'label must be at most 255 characters')
})

t.test('updates label and roles, normalised, and answers exactly the contract fields', async t => {
  const clock = { now: () => Date.parse('2026-01-02T03:00:00.000Z') }
  const { app, row } = await build(t, { clock })
  clock.now = () => Date.parse('2026-01-02T03:04:05.678Z')
  const res = await patchKey(app, 'proj_one', 'key_read', { label: '  Nightly CI  ', roles: ' read , app:db:write,read,* ' }, auth)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), { key: { id: 'key_read', label: 'Nightly CI', roles: 'read,app:db:write,*', updated_at: '2026-01-02T03:04:05.678Z' } })
  t.match(row('key_read'), { project_id: 'proj_one', label: 'Nightly CI', roles: 'read,app:db:write,*', updated_at: Date.parse('2026-01-02T03:04:05.678Z') })
})

t.test('a label-only PATCH keeps the roles, a roles-only PATCH keeps the label', async t => {
  const { app, row } = await build(t)
  const a = await patchKey(app, 'proj_one', 'key_read', { label: 'Only label' }, auth)
  t.strictSame(a.json().key.roles, 'read,app:db:read')
  const b = await patchKey(app, 'proj_one', 'key_read', { roles: 'write' }, auth)
  t.strictSame(b.json().key.label, 'Only label')
  t.match(row('key_read'), { label: 'Only label', roles: 'write' })
  t.match(b.json().key.updated_at, ISO_MS)
})

t.test('accepts the limits: 255 characters after trimming, 32 distinct roles, duplicates beyond 32 items', async t => {
  const { app, row } = await build(t)
  const label = '\u{1F511}'.repeat(255)
  const roles = Array.from({ length: 32 }, (_, i) => `r${i}`)
  const res = await patchKey(app, 'proj_one', 'key_read', { label: `  ${label}  `, roles: [...roles, ...roles].join(' , ') }, auth)
  t.equal(res.statusCode, 200)
  t.equal(res.json().key.label, label, 'characters are code points, not UTF-16 units')
  t.equal(row('key_read')?.roles, roles.join(','))
})

t.test('a PATCH changes its own row and no other', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Mine' }, bearer(await userToken('user_owner')))
  t.equal(res.statusCode, 200)
  const after = rows()
  t.strictSame(after.filter(r => r.id !== 'key_read'), before.filter(r => r.id !== 'key_read'))
})

t.test('updated_at moves forward strictly, even twice in one millisecond', async t => {
  const frozen = Date.parse('2026-05-05T05:05:05.005Z')
  const { app, row } = await build(t, { clock: { now: () => frozen } })
  const created = row('key_read')!.updated_at
  const first = await patchKey(app, 'proj_one', 'key_read', { label: 'One' }, auth)
  const second = await patchKey(app, 'proj_one', 'key_read', { label: 'Two' }, auth)
  t.equal(first.json().key.updated_at, '2026-05-05T05:05:05.006Z', 'after created_at in the same millisecond')
  t.equal(second.json().key.updated_at, '2026-05-05T05:05:05.007Z')
  t.equal(row('key_read')!.updated_at, created + 2)
  t.equal(row('key_read')!.created_at, created, 'created_at never moves')
})

t.test('path ids that cannot exist answer 404 as not found', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  for (const url of [
    `/project/proj_one/key/${'k'.repeat(129)}`,
    `/project/proj_one/key/${'k'.repeat(5000)}`,
    `/project/${'p'.repeat(129)}/key/key_read`,
    '/project/proj_one/key/key.read',
    '/project/proj_one/key/key%20read',
    '/project/proj_one/key/key%00',
    `/project/proj_one/key/${encodeURIComponent("' OR 1=1 --")}`
  ]) {
    const res = await app.inject({ method: 'PATCH', url, payload: { label: 'x' }, headers: auth })
    t.equal(res.statusCode, 404, url.slice(0, 60))
    t.strictSame(res.json(), { error: 'API key not found' })
  }
  const bad = await app.inject({ method: 'PATCH', url: '/project/proj_one/key/%zz', payload: { label: 'x' }, headers: auth })
  t.equal(bad.statusCode, 404)
  t.strictSame(bad.json(), { error: 'Not Found', message: 'Route PATCH /project/proj_one/key/%zz not found' })
  t.strictSame(rows(), before)
})

t.test('unknown routes answer 404 with error and message; a known path with another method, 405', async t => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'PUT', url: '/project/proj_one/key/key_read/x', payload: { label: 'x' }, headers: auth })
  t.equal(res.statusCode, 404)
  t.strictSame(res.json(), { error: 'Not Found', message: 'Route PUT /project/proj_one/key/key_read/x not found' })
  const put = await app.inject({ method: 'PUT', url: '/project/proj_one/key/key_read', payload: { label: 'x' }, headers: auth })
  t.equal(put.statusCode, 405)
  t.strictSame(put.json(), { error: 'Method Not Allowed', message: 'Route PUT /project/proj_one/key/key_read not allowed: this path takes GET, HEAD, PATCH, DELETE' })
})

t.test('a change answered 200 survives closing and reopening the database file', async t => {
  const config = testConfig(t.testdir())
  const first = await buildApp({ config, fixture: FIXTURE, logger: false })
  const res = await patchKey(first, 'proj_one', 'key_read', { label: 'Durable', roles: 'read' }, auth)
  t.equal(res.statusCode, 200)
  await first.close()
  const second = await buildApp({ config, logger: false })
  t.teardown(() => second.close())
  t.match(second.world.db.prepare('SELECT label, roles FROM api_keys WHERE id = ?').get('key_read'), { label: 'Durable', roles: 'read' })
})
