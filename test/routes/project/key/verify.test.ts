// POST /project/:id/key/verify: {is_valid:true, key} only for a live secret of that project (and key_id), one
// byte-identical {is_valid:false} for everything else, no state change but the caller's last_used; the 401/404 rows.
import t from 'tap'
import { assertBadRequest, bearer, build, SECRETS, userToken } from '../../../helper.js'
import { IN_PROJECT_BY_HASH } from '../../../../src/stores/keys.js'
import { call, changedIds, operation } from './operations.js'

const verify = operation('verify')
const SEEDED = '2026-06-07T08:09:10.011Z'

t.test('a live secret of the project is valid: exactly is_valid and the key\'s id, label, roles and created_at', async t => {
  const clock = { now: () => Date.parse(SEEDED) }
  const { app, rows } = await build(t, { clock })
  const before = rows()
  clock.now = () => Date.parse('2026-06-08T00:00:00.000Z')
  const res = await call(app, verify, 'proj_one', '', bearer(SECRETS.key_admin), { key: SECRETS.key_read })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), { is_valid: true, key: { id: 'key_read', label: 'Read key', roles: 'read,app:db:read', created_at: SEEDED } })
  t.strictSame(changedIds(before, rows()), ['key_admin'], 'verifying a secret is not using it: only the caller\'s last_used moves')

  const withId = await call(app, verify, 'proj_one', '', bearer(SECRETS.key_admin), { key: SECRETS.key_read, key_id: 'key_read' })
  t.equal(withId.body, res.body, 'a matching key_id gives the same answer')
  const self = await call(app, verify, 'proj_one', '', bearer(SECRETS.key_admin), { key: SECRETS.key_admin })
  t.strictSame(self.json(), { is_valid: true, key: { id: 'key_admin', label: 'Admin key', roles: 'admin', created_at: SEEDED } })
})

t.test('every secret that is not a live key of the project gets the same bytes: {"is_valid":false}', async t => {
  const { app, rows } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  const made = (await call(app, operation('create'), 'proj_one', '', owner, { label: 'Doomed', roles: 'read' })).json().key
  t.equal((await call(app, operation('delete'), 'proj_one', made.id, owner)).statusCode, 200)
  const replaced = (await call(app, operation('regenerate'), 'proj_one', 'key_read', owner)).json().key.value
  const before = rows()
  const cases: Array<[string, Record<string, unknown>]> = [
    ['an unknown secret', { key: 'basic_key_unknown_00000000000000000000000000' }],
    ["another project's secret", { key: SECRETS.key_two_read }],
    ["another project's secret with its own key_id", { key: SECRETS.key_two_read, key_id: 'key_two_read' }],
    ['a deleted key\'s secret', { key: made.value }],
    ['a secret regenerated away', { key: SECRETS.key_read }],
    ['a live secret with the id of another key of the project', { key: SECRETS.key_admin, key_id: 'key_read' }],
    ['a live secret with a missing key_id', { key: SECRETS.key_admin, key_id: 'key_missing' }],
    ['a live secret with a key_id that cannot exist', { key: SECRETS.key_admin, key_id: "key_admin' OR 1=1 --" }],
    ['a live secret with an empty key_id', { key: SECRETS.key_admin, key_id: '' }],
    ['a live secret with spaces around it', { key: ` ${SECRETS.key_admin} ` }],
    ['a live secret in other case', { key: SECRETS.key_admin.toUpperCase() }],
    ['a user JWT', { key: await userToken('user_owner') }],
    ['an empty string', { key: '' }],
    ['a long string', { key: 'basic_key_' + 'x'.repeat(10_000) }]
  ]
  const answers = []
  for (const [what, body] of cases) {
    const res = await call(app, verify, 'proj_one', '', owner, body)
    t.equal(res.statusCode, 200, what)
    t.equal(res.body, '{"is_valid":false}', what)
    answers.push(`${res.headers['content-length']} ${res.headers['content-type']}`)
  }
  t.equal(new Set(answers).size, 1, 'the same headers too')
  t.strictSame(rows(), before, 'a user token verifying changes nothing')
  t.equal((await call(app, verify, 'proj_one', '', owner, { key: replaced })).json().is_valid, true, 'while the replacement is valid')
})

t.test("under the other project its own secrets are valid and this project's are not", async t => {
  const { app } = await build(t)
  const two = bearer(SECRETS.key_two_admin)
  t.equal((await call(app, verify, 'proj_two', '', two, { key: SECRETS.key_two_read })).json().key.id, 'key_two_read')
  t.equal((await call(app, verify, 'proj_two', '', two, { key: SECRETS.key_read })).body, '{"is_valid":false}')
})

const json = { 'content-type': 'application/json' }
const rejected: Array<[string, unknown, Record<string, string>, string]> = [
  ['a body without key', { key_id: 'key_read' }, json, 'Missing required property "key" in request body'],
  ['an empty object', {}, json, 'Missing required property "key" in request body'],
  ['an unknown property', { key: SECRETS.key_read, project: 'proj_two' }, json, 'Unknown property "project" in request body'],
  ['a number key', { key: 42 }, json, '"key" must be a string, not a number'],
  ['a null key', { key: null }, json, '"key" must be a string, not null'],
  ['a number key_id', { key: SECRETS.key_read, key_id: 5 }, json, '"key_id" must be a string, not a number'],
  ['an array key_id', { key: SECRETS.key_read, key_id: ['key_read'] }, json, '"key_id" must be a string, not an array'],
  ['JSON null', 'null', json, 'The request body must be a JSON object, not null'],
  ['a bare string', JSON.stringify(SECRETS.key_read), json, 'The request body must be a JSON object, not a string'],
  ['malformed JSON', '{"key":', json, 'Request body is not valid JSON'],
  ['an empty body with a JSON content type', '', json, 'Request body is empty'],
  ['no body at all', undefined, {}, 'A request body is required'],
  ['a text/plain body', JSON.stringify({ key: SECRETS.key_read }), { 'content-type': 'text/plain' }, 'Content-Type must be application/json'],
  ['a __proto__ key', `{"key":"${SECRETS.key_read}","__proto__":{}}`, json, 'Request body must not contain the key "__proto__"']
]

t.test('every body that breaks a rule is a 400 naming the problem, and changes nothing', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  const admin = bearer(SECRETS.key_admin)
  for (const [what, payload, headers, message] of rejected) {
    await t.test(`rejects ${what}`, async t => {
      const res = payload === undefined
        ? await app.inject({ method: 'POST', url: '/project/proj_one/key/verify', headers: { ...admin, ...headers } })
        : await call(app, verify, 'proj_one', '', { ...admin, ...headers }, payload)
      assertBadRequest(t, res, message)
      t.strictSame(rows(), before)
    })
  }
})

t.test('another project\'s live secret takes the very path of an unknown one: the same answer, and neither touches the key memory', async t => {
  const { app } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  // key_two_read, used as a bearer, is remembered: a lookup through the memory would find it at once.
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_two/key', headers: bearer(SECRETS.key_two_read) })).statusCode, 401)
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_two/key', headers: bearer(SECRETS.key_two_admin) })).statusCode, 200)
  const memoryUse = async (key: string) => {
    const before = app.world.memory.stats()
    const res = await call(app, verify, 'proj_one', '', owner, { key })
    const after = app.world.memory.stats()
    return { body: res.body, hits: after.hits - before.hits, misses: after.misses - before.misses }
  }
  const live = await memoryUse(SECRETS.key_two_admin)
  const unknown = await memoryUse('basic_key_unknown_00000000000000000000000000')
  t.strictSame(live, { body: '{"is_valid":false}', hits: 0, misses: 0 })
  t.strictSame(unknown, live)
  const plan = app.world.db.prepare(`EXPLAIN QUERY PLAN ${IN_PROJECT_BY_HASH}`).all('proj_one', Buffer.alloc(32)) as Array<{ detail: string }>
  t.match(plan.map(step => step.detail), [/^SEARCH api_keys USING (COVERING )?INDEX api_keys_by_project_and_hash \(project_id=\? AND key_hash=\?\)$/], 'one search of the (project_id, key_hash) index')
})
