// The key routes' authentication hook alone, on a bare Fastify with a world: who it says the caller is, and the
// exact answer for each bearer it refuses.
import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { createRedactor } from '../../src/domain/redact.js'
import { authenticateRequest } from '../../src/http/authenticate.js'
import { seedOnStart } from '../../src/operations/seed.js'
import errorsPlugin from '../../src/plugins/errors.js'
import tokensPlugin from '../../src/plugins/tokens.js'
import worldPlugin from '../../src/plugins/world.js'
import { createNamespaces } from '../../src/namespaces.js'
import { openWorld } from '../../src/world.js'
import { INVALID, MISSING, fixed } from '../answers.js'
import { bearer, FIXTURE, SECRETS, TEST_SECRET, userToken } from '../helper.js'

async function bare (t: Test) {
  const world = openWorld({ path: ':memory:', clock: { now: () => 5 }, seed: { fixture: FIXTURE, source: undefined, demo: false }, journalSize: 0 })
  seedOnStart(world)
  const app = Fastify()
  await app.register(worldPlugin, { namespaces: createNamespaces({ defaultWorld: world, strangerWorld: openWorld({ path: ':memory:', clock: { now: () => 5 }, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 }), seedKeyHashes: new Set(), limit: 0, open: () => { throw new Error('no namespaces here') } }) })
  await app.register(errorsPlugin, { redact: createRedactor() })
  await app.register(tokensPlugin, { secret: TEST_SECRET })
  app.get('/whoami', { onRequest: authenticateRequest }, async request => ({ principal: request.principal, credential: request.credential?.kind }))
  t.teardown(() => app.close())
  return app
}

t.test('a user JWT makes a user principal, an API key a key principal of its project, with its roles', async t => {
  const app = await bare(t)
  const user = await app.inject({ url: '/whoami', headers: bearer(await userToken('user_member')) })
  t.equal(user.statusCode, 200)
  t.strictSame(user.json(), { principal: { kind: 'user', userId: 'user_member' }, credential: 'user' })
  const key = await app.inject({ url: '/whoami', headers: bearer(SECRETS.key_read) })
  t.equal(key.statusCode, 200)
  t.strictSame(key.json(), { principal: { kind: 'key', keyId: 'key_read', projectId: 'proj_one', roles: 'read,app:db:read', admin: false }, credential: 'key' })
})

t.test('each refused bearer gets the exact answer of its row, and the request goes no further', async t => {
  const app = await bare(t)
  const rows: Array<[string, Record<string, string>, typeof MISSING]> = [
    ['no header', {}, MISSING],
    ['a Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, MISSING],
    ['Bearer with nothing after it', { authorization: 'Bearer   ' }, MISSING],
    ['an unknown API key', bearer('basic_key_unknown_00000000000000000000000000'), INVALID],
    ['a JWT of another secret', bearer(await userToken('user_owner', { secret: 'another-secret-that-is-also-32-bytes-long' })), INVALID],
    ['a token with a space inside', { authorization: `Bearer ${SECRETS.key_read} x` }, INVALID]
  ]
  for (const [what, headers, expected] of rows) {
    const res = await app.inject({ url: '/whoami', headers })
    t.same(fixed(res), expected, what)
  }
})

t.test('a key principal is not written to: authentication alone records no use', async t => {
  const app = await bare(t)
  t.equal((await app.inject({ url: '/whoami', headers: bearer(SECRETS.key_read) })).statusCode, 200)
  t.equal(app.world.db.prepare("SELECT last_used FROM api_keys WHERE id = 'key_read'").pluck().get(), null, 'last_used is the operation\'s to record, with its own write')
})
