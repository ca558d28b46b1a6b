// The auth plugin alone, on a bare Fastify: what it decides a caller is.
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import authPlugin from '../../src/plugins/auth.js'
import databasePlugin from '../../src/plugins/database.js'
import errorsPlugin from '../../src/plugins/errors.js'
import { bearer, FIXTURE, SECRETS, TEST_SECRET, userToken } from '../helper.js'

async function bare (t: Test) {
  const app = Fastify()
  await app.register(errorsPlugin)
  await app.register(databasePlugin, { path: ':memory:', clock: { now: () => 5 }, fixture: FIXTURE })
  await app.register(authPlugin, { secret: TEST_SECRET })
  app.get('/whoami', { onRequest: app.authenticate }, async request => request.caller)
  app.get('/manage/:id', { onRequest: app.authenticate }, async (request) => {
    app.requireKeyManager(request, (request.params as { id: string }).id)
    return { ok: true }
  })
  t.teardown(() => app.close())
  return app
}

t.test('a user JWT makes a user caller, an API key a key caller of its project', async t => {
  const app = await bare(t)
  const user = await app.inject({ url: '/whoami', headers: bearer(await userToken('user_member')) })
  t.strictSame(user.json(), { kind: 'user', userId: 'user_member' })
  const key = await app.inject({ url: '/whoami', headers: bearer(SECRETS.key_read) })
  t.strictSame(key.json(), { kind: 'key', keyId: 'key_read', projectId: 'proj_one', roles: ['read', 'app:db:read'] })
})

t.test('requireKeyManager: manage, view (401 insufficient_scope) or none (404)', async t => {
  const app = await bare(t)
  const expectations: Array<[Record<string, string>, string, number]> = [
    [bearer(await userToken('user_owner')), 'proj_one', 200],
    [bearer(await userToken('user_admin')), 'proj_one', 200],
    [bearer(await userToken('user_member')), 'proj_one', 401],
    [bearer(await userToken('user_owner')), 'proj_two', 404],
    [bearer(SECRETS.key_admin), 'proj_one', 200],
    [bearer(SECRETS.key_read), 'proj_one', 401],
    [bearer(SECRETS.key_admin), 'proj_two', 404]
  ]
  for (const [headers, project, status] of expectations) {
    const res = await app.inject({ url: `/manage/${project}`, headers })
    t.equal(res.statusCode, status, `${headers.authorization!.slice(7, 30)} on ${project}`)
  }
})

t.test('last_used is written for a key caller answered 2xx, with the app clock', async t => {
  const app = await bare(t)
  await app.inject({ url: '/whoami', headers: bearer(SECRETS.key_read) })
  t.equal(app.db.prepare("SELECT last_used FROM api_keys WHERE id = 'key_read'").pluck().get(), 5)
})
