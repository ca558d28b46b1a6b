// DELETE /project/:id/key/:key_id: a hard delete; afterwards the key answers 404 and its secret 401; the 401/404 rows.
import t from 'tap'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import { call, changedIds, INVALID, NOT_FOUND, operation } from './operations.js'

const remove = operation('delete')

t.test('deletes a key: exactly {message}, the row is gone, and nothing else changes but the caller\'s last_used', async t => {
  const { app, rows, row } = await build(t)
  const before = rows()
  const res = await call(app, remove, 'proj_one', 'key_read', bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), { message: 'API key deleted' })
  t.equal(row('key_read'), undefined)
  t.strictSame(changedIds(before, rows()), ['key_admin', 'key_read'])
  t.equal(app.world.db.prepare('SELECT count(*) FROM api_keys WHERE id = ?').pluck().get('key_read'), 0, 'a hard delete: no row left behind')
})

t.test('afterwards every operation on the key is a 404 and its secret is an invalid token, like one never issued', async t => {
  const { app, rows } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  t.equal((await call(app, remove, 'proj_one', 'key_read', owner)).statusCode, 200)
  const after = rows()
  for (const name of ['get', 'update', 'delete', 'regenerate'] as const) {
    const res = await call(app, operation(name), 'proj_one', 'key_read', owner)
    t.equal(res.statusCode, 404, name)
    t.strictSame(res.json(), NOT_FOUND.body)
  }
  const old = await call(app, operation('list'), 'proj_one', '', bearer(SECRETS.key_read))
  const never = await call(app, operation('list'), 'proj_one', '', bearer('basic_key_never_issued_000000000000000000000'))
  t.equal(old.statusCode, 401)
  t.strictSame(old.json(), INVALID.body)
  t.equal(old.headers['www-authenticate'], INVALID.challenge)
  t.equal(old.body, never.body, 'byte-identical to an unknown key')
  t.strictSame((await call(app, operation('verify'), 'proj_one', '', owner, { key: SECRETS.key_read })).json(), { is_valid: false })
  t.strictSame((await call(app, operation('list'), 'proj_one', '', owner)).json().data.map((key: { id: string }) => key.id), ['key_admin'])
  t.strictSame(rows(), after, 'the refusals changed nothing')
})

t.test('an admin key may delete itself, and its secret stops working with that answer', async t => {
  const { app, row } = await build(t)
  const res = await call(app, remove, 'proj_one', 'key_admin', bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200)
  t.equal(row('key_admin'), undefined, 'recording the use did not bring the row back')
  t.equal((await call(app, operation('list'), 'proj_one', '', bearer(SECRETS.key_admin))).statusCode, 401)
})

t.test("deleting in one project leaves another project's keys alone", async t => {
  const { app, rows } = await build(t)
  const before = rows().filter(key => key.project_id === 'proj_two')
  t.equal((await call(app, remove, 'proj_one', 'key_read', bearer(await userToken('user_admin')))).statusCode, 200)
  t.strictSame(rows().filter(key => key.project_id === 'proj_two'), before)
})
