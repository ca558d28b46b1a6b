// The control plane is there only for its bearer: to anyone else it is an absent route; without ADMIN_TOKEN it says it is off.
import t from 'tap'
import { ADMIN, ADMIN_TOKEN, ROUTES, bytes, coverage, journal, notFound, send, state, strangers, type Route } from './helper.js'
import { CONTROL_PLANE_OFF } from '../../../src/routes/admin/off.js'
import { bearer, build, patchKey, SECRETS } from '../../helper.js'

t.test('without ADMIN_TOKEN every /__admin route answers a 404 that says the control plane is off, even to the would-be admin token', async t => {
  const { app } = await build(t)
  const before = state(app)
  const unknown = bytes(await app.inject({ method: 'POST', url: '/__nowhere' }))
  for (const route of ROUTES) {
    for (const [who, headers] of [...await strangers(), ['the would-be admin token', ADMIN] as [string, Record<string, string>]]) {
      const res = await send(app, route, headers)
      t.equal(res.statusCode, 404, `${route.method} ${route.url}, ${who}`)
      t.equal(res.body, JSON.stringify({ error: 'Not Found', message: `${JSON.parse(notFound(route.method, route.url)).message as string}: ${CONTROL_PLANE_OFF}` }))
      t.strictSame(Object.keys(res.headers).sort(), Object.keys(unknown.headers).concat('date', 'x-request-id').sort(), 'the headers of any unknown route')
      t.equal(res.headers['content-type'], unknown.headers['content-type'])
    }
  }
  t.strictSame(state(app), before, 'nothing changed')
})

// A path of the same length outside /__admin: an unknown route on any server, answered in as many bytes.
const elsewhere = (route: Route): Route => ({ ...route, url: route.url.replace('/__admin', '/__nimda') })
const unknownAsAdmin = (answer: ReturnType<typeof bytes>) => ({ ...answer, body: answer.body.replace('/__nimda', '/__admin') })

t.test('with ADMIN_TOKEN, anyone but its bearer gets the very bytes of an unknown route and changes nothing', async t => {
  const { app: on } = await build(t, { config: { ADMIN_TOKEN } })
  // Something for reset to undo and for DELETE /__admin/requests to clear.
  t.equal((await patchKey(on, 'proj_one', 'key_read', { label: 'Changed' }, bearer(SECRETS.key_admin))).statusCode, 200)
  const before = state(on)
  const journaled = await journal(on)
  t.equal(journaled.length, 1)
  const covered = await coverage(on)
  t.equal(covered.covered, 1)
  for (const route of ROUTES) {
    for (const [who, headers] of await strangers()) {
      const res = await send(on, route, headers)
      t.strictSame(bytes(res), unknownAsAdmin(bytes(await send(on, elsewhere(route), headers))), `${route.method} ${route.url}, ${who}`)
      t.equal(res.body, notFound(route.method, route.url))
    }
  }
  t.strictSame(state(on), before, 'no reset, no fixture')
  // The unknown routes asked for comparison are journaled; the /__admin requests are not.
  t.strictSame((await journal(on)).filter(entry => !String(entry.path).startsWith('/__nimda')), journaled, 'the journal is neither cleared nor fed by /__admin requests')
  t.strictSame(await coverage(on), covered, 'coverage is neither cleared nor counted by /__admin requests')
})

t.test('a stranger\'s oversized or malformed body still gets the 404, never a 400 that would reveal the route', async t => {
  const { app: on } = await build(t, { config: { ADMIN_TOKEN } })
  const fixtures = ROUTES[1]!
  for (const [what, payload, type] of [
    ['2 MiB', JSON.stringify({ users: [], pad: 'x'.repeat(2 * 1024 * 1024) }), 'application/json'],
    ['invalid JSON', '{"users": [', 'application/json'],
    ['not JSON', 'users=1', 'text/plain']
  ] as const) {
    const headers = { ...bearer('not-the-admin-token-0123456789'), 'content-type': type }
    const res = await send(on, fixtures, headers, payload)
    const absent = unknownAsAdmin(bytes(await send(on, elsewhere(fixtures), headers, payload)))
    // Only `connection` may differ: the absent route reads a body it then refuses, the present one never reads it.
    t.strictSame({ ...bytes(res), headers: { ...bytes(res).headers, connection: '' } }, { ...absent, headers: { ...absent.headers, connection: '' } }, what)
    t.equal(res.statusCode, 404, what)
  }
})

t.test('the admin token is accepted whatever the case of its Bearer scheme, as every bearer is', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const res = await app.inject({ method: 'GET', url: '/__admin/requests', headers: { authorization: `${scheme} ${ADMIN_TOKEN}` } })
    t.equal(res.statusCode, 200, scheme)
  }
})

t.test('an unknown /__admin path is the unknown-route 404 for the admin too; a known one with another method, 405', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const [method, url] of [['GET', '/__admin'], ['GET', '/__admin/'], ['POST', '/__admin/nothing'], ['GET', '/__admin/reset/x']] as const) {
    const res = await app.inject({ method, url, headers: ADMIN })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.body, notFound(method, url))
  }
  // Every path and method: test/routes/methods.test.ts.
  for (const [method, url, allow] of [['GET', '/__admin/reset', 'POST'], ['PUT', '/__admin/requests', 'GET, HEAD, DELETE']] as const) {
    const res = await app.inject({ method, url, headers: ADMIN })
    t.equal(res.statusCode, 405, `${method} ${url}`)
    t.equal(res.headers.allow, allow)
  }
})

t.test('the admin token is read by the one bearer parser of every route: a tab or several spaces after the scheme are fine', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const authorization of [`Bearer\t${ADMIN_TOKEN}`, `Bearer  ${ADMIN_TOKEN}`, `bearer \t ${ADMIN_TOKEN}`]) {
    const res = await app.inject({ method: 'GET', url: '/__admin/requests', headers: { authorization } })
    t.equal(res.statusCode, 200, JSON.stringify(authorization.slice(0, 9)))
    const key = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, { authorization: authorization.replace(ADMIN_TOKEN, SECRETS.key_admin) })
    t.equal(key.statusCode, 200, 'as a key route reads it')
  }
})
