// POST /__admin/tokens: user JWTs the server accepts, for a consumer's tests.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ADMIN, ADMIN_TOKEN, claims, header } from './helper.js'
import { bearer, build, patchKey } from '../../helper.js'

const mint = (app: FastifyInstance, payload: unknown) =>
  app.inject({ method: 'POST', url: '/__admin/tokens', headers: { ...ADMIN, 'content-type': 'application/json' }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) })

t.test('mints an HS256 token for an hour by default, which PATCH accepts as that user', async t => {
  const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
  const before = Math.floor(Date.now() / 1000)
  const res = await mint(app, { user: 'user_owner' })
  t.equal(res.statusCode, 200)
  const { token, alg, expires_at: expiresAt } = res.json()
  t.strictSame(Object.keys(res.json()), ['token', 'alg', 'expires_at'])
  t.equal(alg, 'HS256')
  t.equal(header(token).alg, 'HS256')
  const { sub, iat, exp } = claims(token) as { sub: string, iat: number, exp: number }
  t.equal(sub, 'user_owner')
  t.ok(iat >= before && iat <= Math.floor(Date.now() / 1000), 'issued now')
  t.equal(exp - iat, 3600)
  t.equal(expiresAt, new Date(exp * 1000).toISOString())
  const patched = await patchKey(app, 'proj_one', 'key_read', { label: 'By minted HS256' }, bearer(token))
  t.equal(patched.statusCode, 200)
  t.equal(row('key_read')?.label, 'By minted HS256')
})

t.test('mints an RS256 token with the server\'s kid, which PATCH accepts', async t => {
  const { app, row } = await build(t, { config: { ADMIN_TOKEN } })
  const res = await mint(app, { user: 'user_admin', alg: 'RS256', expires_in: '15m' })
  t.equal(res.statusCode, 200)
  const { token, alg } = res.json()
  t.equal(alg, 'RS256')
  const jwks = (await app.inject('/auth/.well-known/jwks.json')).json() as { keys: Array<{ kid: string }> }
  t.strictSame(header(token), { alg: 'RS256', typ: 'JWT', kid: jwks.keys[0]!.kid })
  const { iat, exp } = claims(token) as { iat: number, exp: number }
  t.equal(exp - iat, 900)
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'By minted RS256' }, bearer(token))).statusCode, 200)
  t.equal(row('key_read')?.label, 'By minted RS256')
})

t.test('expires_in is the time from iat to exp, in seconds, minutes, hours or days', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const [given, seconds] of [['90', 90], ['90s', 90], ['15m', 900], ['2h', 7200], ['7d', 604800]] as const) {
    const { token } = (await mint(app, { user: 'user_owner', expires_in: given })).json()
    const { iat, exp } = claims(token) as { iat: number, exp: number }
    t.equal(exp - iat, seconds, given)
  }
})

t.test('a token for a user the server does not know is minted, and sees no project', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const { token } = (await mint(app, { user: 'user_nobody' })).json()
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(token))).statusCode, 404)
})

const BAD: Array<[string, unknown, RegExp]> = [
  ['no user', {}, /^Missing required property "user" in request body$/],
  ['an empty user', { user: '' }, /"user"/],
  ['a user that is not a string', { user: 7 }, /^"user" must be a string, not a number$/],
  ['alg none', { user: 'user_owner', alg: 'none' }, /"alg"/],
  ['alg HS512', { user: 'user_owner', alg: 'HS512' }, /"alg"/],
  ['a lower-case alg', { user: 'user_owner', alg: 'hs256' }, /"alg"/],
  ['expires_in 0', { user: 'user_owner', expires_in: '0' }, /^"expires_in" must look like 90s, 15m, 1h or 7d \(got "0"\)$/],
  ['a negative expires_in', { user: 'user_owner', expires_in: '-5m' }, /"expires_in" must look like/],
  ['expires_in in years', { user: 'user_owner', expires_in: '1y' }, /"expires_in" must look like/],
  ['expires_in as a number', { user: 'user_owner', expires_in: 60 }, /^"expires_in" must be a string, not a number$/],
  ['an unknown property', { user: 'user_owner', scope: 'admin' }, /^Unknown property "scope" in request body$/],
  ['invalid JSON', '{"user":', /^Request body is not valid JSON/],
  ['an empty body', '', /^Request body is empty/]
]
t.test('bad input is a 400 naming the problem, and no token', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const [what, payload, message] of BAD) {
    const res = await mint(app, payload)
    t.equal(res.statusCode, 400, what)
    t.match(res.json(), { error: 'Bad Request', message }, what)
    t.strictSame(Object.keys(res.json()), ['error', 'message'])
  }
})
