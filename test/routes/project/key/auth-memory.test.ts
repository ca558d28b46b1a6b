// The server remembers API keys that matched (src/stores/key-memory.ts); nothing that changes what a secret means may
// be hidden by that: each case first uses the key successfully, then changes it, then uses it again.
import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { hashApiKey } from '../../../../src/domain/api-key.js'
import { ADMIN_TOKEN, INVALID as INVALID_ANSWER, SCOPE as SCOPE_ANSWER, type FixedAnswer } from '../../../answers.js'
import { SECRETS, bearer, build, userToken } from '../../../helper.js'

const bytes = (answer: FixedAnswer) => ({ status: answer.status, body: JSON.stringify(answer.body), challenge: answer.challenge })
const INVALID = bytes(INVALID_ANSWER)
const SCOPE = bytes(SCOPE_ANSWER)

async function getKey (app: FastifyInstance, secret: string) {
  const res = await app.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: bearer(secret) })
  return { status: res.statusCode, body: res.body, challenge: res.headers['www-authenticate'] }
}

async function usable (t: Test, app: FastifyInstance, secret: string, what: string): Promise<void> {
  const answer = await getKey(app, secret)
  t.equal(answer.status, 200, what)
  t.equal(answer.challenge, undefined)
}

t.test('a regenerated key: the old secret is refused at once, the new one works', async t => {
  const { app } = await build(t)
  await usable(t, app, SECRETS.key_admin, 'used once, so remembered')
  const res = await app.inject({ method: 'POST', url: '/project/proj_one/key/key_admin/regenerate', headers: bearer(SECRETS.key_admin) })
  t.equal(res.statusCode, 200)
  t.same(await getKey(app, SECRETS.key_admin), INVALID)
  await usable(t, app, res.json<{ key: { value: string } }>().key.value, 'the new secret')
})

t.test('a deleted key is refused at once', async t => {
  const { app, row } = await build(t)
  await usable(t, app, SECRETS.key_admin, 'used once')
  const res = await app.inject({ method: 'DELETE', url: '/project/proj_one/key/key_admin', headers: bearer(await userToken('user_owner')) })
  t.equal(res.statusCode, 200)
  t.equal(row('key_admin'), undefined)
  t.same(await getKey(app, SECRETS.key_admin), INVALID)
})

t.test('a key whose admin role a PATCH removed loses its access at once', async t => {
  const { app, row } = await build(t)
  await usable(t, app, SECRETS.key_admin, 'used once')
  const res = await app.inject({ method: 'PATCH', url: '/project/proj_one/key/key_admin', headers: bearer(await userToken('user_owner')), payload: { roles: 'read' } })
  t.equal(res.statusCode, 200)
  t.equal(row('key_admin')?.roles, 'read')
  t.same(await getKey(app, SECRETS.key_admin), SCOPE)
})

t.test('changes committed by another connection (another server, the CLI, sqlite3) count at once', async t => {
  const { app, config } = await build(t)
  const other = new Database(config.DATABASE_PATH)
  t.teardown(() => other.close())
  await usable(t, app, SECRETS.key_admin, 'used once')

  other.prepare("UPDATE api_keys SET roles = 'read' WHERE id = 'key_admin'").run()
  t.same(await getKey(app, SECRETS.key_admin), SCOPE, 'roles changed elsewhere')
  other.prepare("DELETE FROM api_keys WHERE id = 'key_admin'").run()
  t.same(await getKey(app, SECRETS.key_admin), INVALID, 'deleted elsewhere')
})

t.test('a secret that did not match is not remembered as unknown', async t => {
  const { app } = await build(t)
  const secret = 'basic_key_added_later_000000000000000000000'
  t.same(await getKey(app, secret), INVALID)
  // Through the server's own connection, which moves no data_version: only a fresh lookup can find it.
  app.world.db.prepare("INSERT INTO api_keys (id, project_id, label, roles, key_hash, created_at, updated_at) VALUES ('key_later', 'proj_one', 'Later', 'admin', ?, 0, 0)").run(hashApiKey(secret))
  await usable(t, app, secret, 'found once it exists')
})

t.test('the control plane\'s reset forgets every key it removes', async t => {
  const admin = bearer(ADMIN_TOKEN)
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const created = await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: bearer(SECRETS.key_admin), payload: { label: 'Made by a test', roles: 'admin' } })
  t.equal(created.statusCode, 200)
  const secret = created.json<{ key: { value: string } }>().key.value
  await usable(t, app, secret, 'the new key, used once')
  t.equal((await app.inject({ method: 'POST', url: '/__admin/reset', headers: admin })).statusCode, 200)
  t.same(await getKey(app, secret), INVALID)
  await usable(t, app, SECRETS.key_admin, 'the seed\'s keys are back')
})

t.test('a write that no store makes cannot leave a remembered key stale either: raw SQL on the server\'s own connection, a cascade', async t => {
  // The server's own connection moves no data_version: only the triggers on api_keys can tell the memory.
  const { app } = await build(t)
  await usable(t, app, SECRETS.key_admin, 'used once, so remembered')
  app.world.db.prepare("UPDATE api_keys SET roles = 'read' WHERE id = 'key_admin'").run()
  t.same(await getKey(app, SECRETS.key_admin), SCOPE, 'demoted by a statement of no store')
  app.world.db.prepare("UPDATE api_keys SET roles = 'admin' WHERE id = 'key_admin'").run()
  await usable(t, app, SECRETS.key_admin, 'promoted again')
  app.world.db.prepare("UPDATE api_keys SET label = 'Only the label' WHERE id = 'key_admin'").run()
  await usable(t, app, SECRETS.key_admin, 'a label changes nothing a secret means')
  app.world.db.prepare("DELETE FROM projects WHERE id = 'proj_one'").run()
  t.same(await getKey(app, SECRETS.key_admin), INVALID, 'gone with its project, by the foreign key\'s cascade')
})
