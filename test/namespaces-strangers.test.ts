// A namespace opens only for a request that authenticates in it (a key of its seed or of its data on disk, a valid
// user token) or for the control plane: 1,000 GET /health with X-Mock-Namespace and no credential once opened 1,000
// namespaces (5,038 descriptors, 671 MB, 3,000 files) and locked real suites out. What a stranger gets instead is
// the answer the namespace would give, and nothing is kept.
import t from 'tap'
import { existsSync, readdirSync } from 'node:fs'
import { ADMIN_TOKEN, INVALID, MISSING, fixed } from './answers.js'
import { buildApp } from '../src/app.js'
import { bearer, FIXTURE, SECRETS, testConfig, userToken } from './helper.js'
import { listen } from './wire.js'

const ADMIN = bearer(ADMIN_TOKEN)
const ns = (name: string): Record<string, string> => ({ 'x-mock-namespace': name })
const BAD_REQUEST = 'Bad Request'

t.test('no request without a credential of the namespace opens it: /health, /ready, the JWKS, unknown routes, refused bearers', async t => {
  const { url, app, config } = await listen(t, { config: { ADMIN_TOKEN } })
  const madeElsewhere = (await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: bearer(SECRETS.key_admin), payload: { label: 'Default only', roles: 'admin' } })).json().key.value as string
  const answers: Array<[string, number]> = []
  for (let i = 0; i < 30; i++) {
    for (const [path, headers] of [
      ['/health', {}], ['/ready', {}], ['/auth/.well-known/jwks.json', {}], ['/no/such/route', {}], ['/openapi.json', {}],
      ['/project/proj_one/key', {}], ['/project/proj_one/key', bearer('basic_key_unknown_0000000000000000000000')],
      ['/project/proj_one/key', bearer(madeElsewhere)], ['/project/proj_one/key', bearer('not.a.jwt')],
      ['/__admin/requests', bearer('not-the-admin-token-0123456789')]
    ] as Array<[string, Record<string, string>]>) {
      const res = await fetch(url + path, { headers: { ...headers, ...ns(`stranger-${i}`) } })
      await res.arrayBuffer()
      if (i === 0) answers.push([path, res.status])
    }
  }
  t.strictSame(answers, [['/health', 200], ['/ready', 200], ['/auth/.well-known/jwks.json', 200], ['/no/such/route', 404], ['/openapi.json', 200],
    ['/project/proj_one/key', 401], ['/project/proj_one/key', 401], ['/project/proj_one/key', 401], ['/project/proj_one/key', 401], ['/__admin/requests', 404]])
  t.strictSame(app.namespaces.list().map(({ name }) => name), ['default'], 'none opened')
  t.notOk(existsSync(`${config.DATABASE_PATH}.namespaces`) && readdirSync(`${config.DATABASE_PATH}.namespaces`).some(file => file.startsWith('ns-')), 'no file made')
  t.equal(app.namespaces.stranger.journal.size(), 0, 'nothing journaled for them')
})

t.test('a stranger gets the bytes an open namespace would answer: the missing or invalid credential\'s 401', async t => {
  const { app } = await listen(t, { config: { ADMIN_TOKEN } })
  const list = (name: string, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...headers, ...ns(name) } })
  t.equal((await list('open', bearer(SECRETS.key_admin))).statusCode, 200)
  for (const [headers, answer] of [[{}, MISSING], [bearer('basic_key_unknown_0000000000000000000000'), INVALID], [bearer(await userToken('user_owner', { secret: 'another-secret-of-32-bytes-or-more!!' })), INVALID]] as const) {
    t.strictSame(fixed(await list('closed', headers)), fixed(await list('open', headers)), JSON.stringify(headers))
    t.strictSame(fixed(await list('closed', headers)), answer)
  }
  t.strictSame(app.namespaces.list().map(({ name }) => name), ['default', 'open'])
})

t.test('a key of the seed, a valid user token, the control plane and in-process calls open one', async t => {
  const { app } = await listen(t, { config: { ADMIN_TOKEN } })
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(SECRETS.key_admin), ...ns('by-key') } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(await userToken('user_owner')), ...ns('by-token') } })).statusCode, 200)
  // A user the seed lacks authenticates as everywhere (and sees nothing): the token is the credential.
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(await userToken('user_nobody')), ...ns('by-any-user') } })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/__admin/reset', headers: { ...ADMIN, ...ns('by-admin') } })).statusCode, 200)
  app.namespaces.get('in-process')
  t.strictSame(app.namespaces.list().map(({ name }) => name), ['default', 'by-key', 'by-token', 'by-any-user', 'by-admin', 'in-process'])
})

t.test('a namespace kept on disk opens again for a key made in it, and counts toward NAMESPACE_LIMIT while closed', async t => {
  const config = testConfig(t.testdir(), { ADMIN_TOKEN, NAMESPACE_LIMIT: 1 })
  const first = await buildApp({ config, fixture: FIXTURE, logger: false })
  const made = await first.inject({ method: 'POST', url: '/project/proj_one/key', headers: { ...bearer(SECRETS.key_admin), ...ns('kept') }, payload: { label: 'Made in kept', roles: 'admin' } })
  t.equal(made.statusCode, 200)
  await first.close()
  const second = await buildApp({ config, fixture: FIXTURE, logger: false })
  t.teardown(() => second.close())
  const other = await second.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(SECRETS.key_admin), ...ns('other') } })
  t.equal(other.statusCode, 400)
  t.strictSame(other.json(), { error: BAD_REQUEST, message: 'X-Mock-Namespace "other": the server holds 1 namespaces (NAMESPACE_LIMIT), open or on disk: drop one with DELETE /__admin/namespaces/{name}' })
  const again = await second.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(made.json().key.value), ...ns('kept') } })
  t.equal(again.statusCode, 200, 'its own key opens it')
  t.equal(again.json().data.length, 3)
  t.strictSame((await second.inject({ method: 'DELETE', url: '/__admin/namespaces/kept', headers: ADMIN })).json(), { dropped: 'kept' })
  t.equal((await second.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(SECRETS.key_admin), ...ns('other') } })).statusCode, 200, 'room once it is dropped')
})

t.test('names that differ only in case are one file on macOS and Windows: the second is refused, and dropping it deletes nothing', async t => {
  const { app } = await listen(t, { config: { ADMIN_TOKEN } })
  const key = bearer(SECRETS.key_admin)
  t.equal((await app.inject({ method: 'PATCH', url: '/project/proj_one/key/key_read', headers: { ...key, ...ns('suite') }, payload: { label: 'Kept in suite' } })).statusCode, 200)
  const other = await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...key, ...ns('Suite') } })
  t.equal(other.statusCode, 400)
  t.strictSame(other.json(), { error: BAD_REQUEST, message: 'X-Mock-Namespace "Suite": namespace "suite" exists, and names that differ only in case would share one file on case-insensitive file systems: use "suite" or another name' })
  t.strictSame((await app.inject({ method: 'DELETE', url: '/__admin/namespaces/Suite', headers: ADMIN })).json(), { error: 'Not Found', message: 'No namespace "Suite"' })
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: { ...key, ...ns('suite') } })).json().key.label, 'Kept in suite')
})
