// GET /project/:id/key: exactly the project's keys in creation order, last_used as it moves, and the 401/404 rows.
import t from 'tap'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import { call, changedIds, ISO_MS, operation } from './operations.js'

const list = operation('list')
const create = operation('create')
const SEEDED = '2026-02-03T04:05:06.007Z'

function fixtureKey (id: string, label: string, roles: string) {
  return { id, label, roles, is_private: true, last_used: null, created_at: SEEDED }
}

t.test("lists exactly the project's keys with exactly the contract's fields, and changes only the caller's last_used", async t => {
  const clock = { now: () => Date.parse(SEEDED) }
  const { app, rows } = await build(t, { clock })
  const before = rows()
  const res = await call(app, list, 'proj_one', '', bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), { data: [fixtureKey('key_admin', 'Admin key', 'admin'), fixtureKey('key_read', 'Read key', 'read,app:db:read')] })
  t.strictSame(changedIds(before, rows()), ['key_admin'], 'a read moves only the calling key\'s last_used')

  const two = await call(app, list, 'proj_two', '', bearer(await userToken('user_outsider')))
  t.strictSame(two.json(), { data: [fixtureKey('key_two_admin', 'Two admin', 'admin'), fixtureKey('key_two_read', 'Two read', 'read')] })
})

t.test('keys come in creation order, ties within one millisecond in the order made; updates and regeneration do not reorder', async t => {
  const clock = { now: () => Date.parse(SEEDED) }
  const { app } = await build(t, { clock })
  const owner = bearer(await userToken('user_owner'))
  const made: string[] = []
  for (const [at, label] of [['2026-02-03T05:00:00.000Z', 'first'], ['2026-02-03T05:00:00.000Z', 'second'], ['2026-02-03T05:00:00.001Z', 'third']] as const) {
    clock.now = () => Date.parse(at)
    made.push((await call(app, create, 'proj_one', '', owner, { label, roles: 'read' })).json().key.id)
  }
  clock.now = () => Date.parse('2026-02-03T06:00:00.000Z')
  t.equal((await call(app, operation('update'), 'proj_one', made[0]!, owner, { label: 'first, renamed' })).statusCode, 200)
  t.equal((await call(app, operation('regenerate'), 'proj_one', 'key_admin', owner)).statusCode, 200)
  const res = await call(app, list, 'proj_one', '', owner)
  t.strictSame(res.json().data.map((key: { id: string }) => key.id), ['key_admin', 'key_read', ...made])
  t.strictSame(res.json().data.map((key: { label: string }) => key.label), ['Admin key', 'Read key', 'first, renamed', 'second', 'third'])
  t.strictSame(res.json().data.map((key: { created_at: string }) => key.created_at),
    [SEEDED, SEEDED, '2026-02-03T05:00:00.000Z', '2026-02-03T05:00:00.000Z', '2026-02-03T05:00:00.001Z'])
  for (const key of res.json().data) t.match(key.created_at, ISO_MS)
})

t.test('last_used is null until the key is first used, then the time of its latest successful use', async t => {
  const clock = { now: () => Date.parse(SEEDED) }
  const { app, row } = await build(t, { clock })
  const owner = bearer(await userToken('user_owner'))
  const lastUsed = async (id: string): Promise<unknown> =>
    (await call(app, list, 'proj_one', '', owner)).json().data.find((key: { id: string }) => key.id === id).last_used

  t.equal(await lastUsed('key_admin'), null)
  clock.now = () => Date.parse('2026-02-03T07:00:00.100Z')
  const own = await call(app, list, 'proj_one', '', bearer(SECRETS.key_admin))
  t.equal(own.json().data[0].last_used, null, 'the answer shows the state before this request: its own use is recorded as it is sent')
  t.equal(await lastUsed('key_admin'), '2026-02-03T07:00:00.100Z')
  t.equal(row('key_admin')?.last_used, Date.parse('2026-02-03T07:00:00.100Z'))

  clock.now = () => Date.parse('2026-02-03T07:00:00.200Z')
  t.equal((await call(app, operation('update'), 'proj_one', 'key_read', bearer(SECRETS.key_admin), { label: 'Used' })).statusCode, 200)
  t.equal(await lastUsed('key_admin'), '2026-02-03T07:00:00.200Z', 'the latest use wins')

  clock.now = () => Date.parse('2026-02-03T07:00:00.300Z')
  t.equal((await call(app, operation('get'), 'proj_one', 'key_missing', bearer(SECRETS.key_admin))).statusCode, 404)
  t.equal((await call(app, operation('update'), 'proj_one', 'key_read', bearer(SECRETS.key_admin), { label: '' })).statusCode, 400)
  t.equal(await lastUsed('key_admin'), '2026-02-03T07:00:00.200Z', 'a refused request is not a use')

  t.equal((await call(app, list, 'proj_one', '', bearer(SECRETS.key_read))).statusCode, 401)
  t.equal(await lastUsed('key_read'), null, 'nor is a request refused for scope')
})

t.test("a project without keys lists an empty array, and another project's keys never appear", async t => {
  const { app } = await build(t)
  const outsider = bearer(await userToken('user_outsider'))
  for (const id of ['key_two_admin', 'key_two_read']) t.equal((await call(app, operation('delete'), 'proj_two', id, outsider)).statusCode, 200)
  t.strictSame((await call(app, list, 'proj_two', '', outsider)).json(), { data: [] })
  const one = await call(app, list, 'proj_one', '', bearer(SECRETS.key_admin))
  t.strictSame(one.json().data.map((key: { id: string }) => key.id), ['key_admin', 'key_read'])
})
