// GET /project/:id/key/:key_id: one key without its secret, current after a change, and the 401/404 rows.
import t from 'tap'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import { call, changedIds, ISO_MS, operation } from './operations.js'

const get = operation('get')

t.test('reads a key with exactly id, label, roles and created_at, and changes only the caller\'s last_used', async t => {
  const clock = { now: () => Date.parse('2026-04-05T06:07:08.009Z') }
  const { app, rows } = await build(t, { clock })
  const before = rows()
  const res = await call(app, get, 'proj_one', 'key_read', bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), { key: { id: 'key_read', label: 'Read key', roles: 'read,app:db:read', created_at: '2026-04-05T06:07:08.009Z' } })
  t.strictSame(changedIds(before, rows()), ['key_admin'])
})

t.test('every caller who manages the project reads the same answer, the calling key included', async t => {
  const { app } = await build(t)
  const answers = []
  for (const auth of [bearer(await userToken('user_owner')), bearer(await userToken('user_admin')), bearer(SECRETS.key_admin)]) {
    const res = await call(app, get, 'proj_one', 'key_admin', auth)
    t.equal(res.statusCode, 200)
    answers.push(res.body)
  }
  t.equal(new Set(answers).size, 1)
  t.match(JSON.parse(answers[0]!).key.created_at, ISO_MS)
})

t.test('reads what a PATCH wrote, and created_at never moves', async t => {
  const clock = { now: () => Date.parse('2026-04-05T06:07:08.009Z') }
  const { app } = await build(t, { clock })
  const owner = bearer(await userToken('user_owner'))
  clock.now = () => Date.parse('2026-04-06T00:00:00.000Z')
  t.equal((await call(app, operation('update'), 'proj_one', 'key_read', owner, { label: ' Renamed ', roles: 'write, read' })).statusCode, 200)
  t.strictSame((await call(app, get, 'proj_one', 'key_read', owner)).json(),
    { key: { id: 'key_read', label: 'Renamed', roles: 'write,read', created_at: '2026-04-05T06:07:08.009Z' } })
})

t.test('reads a key of another project under that project by its own admin', async t => {
  const { app } = await build(t)
  const res = await call(app, get, 'proj_two', 'key_two_read', bearer(SECRETS.key_two_admin))
  t.equal(res.statusCode, 200)
  t.equal(res.json().key.label, 'Two read')
})
