// POST /project/:id/key/:key_id/regenerate: a new secret at once, the old one dead from the next request, label and roles kept.
import t from 'tap'
import { createHash } from 'node:crypto'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import { call, changedIds, INVALID, NEW_SECRET, operation } from './operations.js'

const regenerate = operation('regenerate')
const list = operation('list')
const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()

t.test('answers exactly id, label, roles, value, is_private and created_at, and only the hash and updated_at change', async t => {
  const clock = { now: () => Date.parse('2026-05-06T07:08:09.010Z') }
  const { app, rows, row } = await build(t, { clock })
  const before = rows()
  const old = row('key_read')!
  clock.now = () => Date.parse('2026-05-07T00:00:00.000Z')
  const res = await call(app, regenerate, 'proj_one', 'key_read', bearer(await userToken('user_owner')))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  const { value } = res.json().key
  t.match(value, NEW_SECRET)
  t.not(value, SECRETS.key_read)
  t.strictSame(res.json(), { key: { id: 'key_read', label: 'Read key', roles: 'read,app:db:read', value, is_private: true, created_at: '2026-05-06T07:08:09.010Z' } })
  t.strictSame(changedIds(before, rows()), ['key_read'], 'a user token: no key\'s last_used moves')
  t.strictSame(row('key_read'), { ...old, key_hash: sha256(value), updated_at: Date.parse('2026-05-07T00:00:00.000Z') }, 'label, roles, created_at, last_used and is_private kept')
})

t.test('the old secret answers 401 from the next request on, and the new one works at once', async t => {
  const { app } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  const value: string = (await call(app, regenerate, 'proj_one', 'key_admin', owner)).json().key.value
  const old = await call(app, list, 'proj_one', '', bearer(SECRETS.key_admin))
  t.equal(old.statusCode, 401)
  t.strictSame(old.json(), INVALID.body)
  t.equal(old.headers['www-authenticate'], INVALID.challenge)
  t.equal(old.body, (await call(app, list, 'proj_one', '', bearer('basic_key_never_issued_000000000000000000000'))).body, 'byte-identical to an unknown key')
  t.equal((await call(app, list, 'proj_one', '', bearer(value))).statusCode, 200, 'the new secret carries the same admin role')
  const verify = operation('verify')
  t.strictSame((await call(app, verify, 'proj_one', '', owner, { key: SECRETS.key_admin })).json(), { is_valid: false })
  t.equal((await call(app, verify, 'proj_one', '', owner, { key: value })).json().is_valid, true)
})

t.test('regenerating twice kills both earlier secrets', async t => {
  const { app } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  const first: string = (await call(app, regenerate, 'proj_one', 'key_admin', owner)).json().key.value
  const second: string = (await call(app, regenerate, 'proj_one', 'key_admin', owner)).json().key.value
  t.not(first, second)
  for (const dead of [SECRETS.key_admin, first]) t.equal((await call(app, list, 'proj_one', '', bearer(dead))).statusCode, 401)
  t.equal((await call(app, list, 'proj_one', '', bearer(second))).statusCode, 200)
})

t.test('an admin key may regenerate itself: the answer carries its successor, and the secret that asked is dead', async t => {
  const { app, row } = await build(t)
  const res = await call(app, regenerate, 'proj_one', 'key_admin', bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200)
  t.ok(row('key_admin')?.last_used, 'the use is recorded on the key')
  t.equal((await call(app, list, 'proj_one', '', bearer(SECRETS.key_admin))).statusCode, 401)
  t.equal((await call(app, list, 'proj_one', '', bearer(res.json().key.value))).statusCode, 200)
})

t.test('is_private is reported as stored', async t => {
  const { app } = await build(t)
  app.world.db.prepare('UPDATE api_keys SET is_private = 0 WHERE id = ?').run('key_read')
  const res = await call(app, regenerate, 'proj_one', 'key_read', bearer(SECRETS.key_admin))
  t.equal(res.json().key.is_private, false)
})
