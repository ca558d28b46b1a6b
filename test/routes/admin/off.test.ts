// /__admin on a real socket (issue 25 item 8): a server without the control plane says so, and how to turn it on; a
// server with one still answers a wrong bearer with the very bytes of an unknown route, revealing nothing.
import t from 'tap'
import { ADMIN_TOKEN, ROUTES, state, strangers } from './helper.js'
import { Connection, exchange, listen, requestBytes, type RawResponse } from '../../wire.js'

const OFF = 'the control plane is off: start the server with ADMIN_TOKEN (in-process: the adminToken option) to turn it on'

/** The request of a route as bytes, with these headers and its JSON payload. */
const bytesOf = (method: string, url: string, headers: Record<string, string>, payload?: object): string =>
  requestBytes(method, url, { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, payload === undefined ? undefined : JSON.stringify(payload))

/** An answer without what differs per request. */
const same = ({ headers: { date, 'x-request-id': id, ...headers }, ...rest }: RawResponse) => ({ ...rest, headers })

// A path of the same length outside /__admin: a route no server has, whatever its settings.
const elsewhere = (url: string): string => url.replace('/__admin', '/__nimda')

t.test('without ADMIN_TOKEN every /__admin path is a 404 that says the control plane is off and how to turn it on', async t => {
  const l = await listen(t)
  const before = state(l.app)
  const paths = [...ROUTES.map(route => [route.method, route.url, route.payload] as const), ['GET', '/__admin', undefined] as const, ['PUT', '/__admin/anything', undefined] as const]
  for (const [method, url, payload] of paths) {
    for (const [who, headers] of [...await strangers(), ['the would-be admin token', { authorization: `Bearer ${ADMIN_TOKEN}` }] as const]) {
      const res = await exchange(t, l.port, bytesOf(method, url, headers, payload))
      t.strictSame({ status: res.status, body: JSON.parse(res.body) }, { status: 404, body: { error: 'Not Found', message: `Route ${method} ${url.split('?')[0]} not found: ${OFF}` } }, `${method} ${url}, ${who}`)
      const unknown = await exchange(t, l.port, bytesOf(method, elsewhere(url), headers, payload))
      t.strictSame(Object.keys(res.headers).sort(), Object.keys(unknown.headers).sort(), 'the headers of an unknown route')
      t.equal(res.headers['content-type'], unknown.headers['content-type'])
    }
  }
  // Whatever body comes with it, unread: a malformed one too.
  const malformed = await exchange(t, l.port, requestBytes('POST', '/__admin/fixtures', { 'content-type': 'application/json' }, '{"users": ['))
  t.equal(malformed.status, 404)
  t.strictSame(state(l.app), before, 'nothing changed')
})

t.test('with ADMIN_TOKEN, a wrong bearer gets the bytes of an unknown route, on the wire, and changes nothing', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const before = state(l.app)
  for (const route of ROUTES) {
    for (const [who, headers] of await strangers()) {
      const res = await exchange(t, l.port, bytesOf(route.method, route.url, headers, route.payload))
      const unknown = await exchange(t, l.port, bytesOf(route.method, elsewhere(route.url), headers, route.payload))
      t.strictSame(same(res), { ...same(unknown), body: unknown.body.replace('/__nimda', '/__admin') }, `${route.method} ${route.url}, ${who}`)
      t.notMatch(res.body, /control plane/, 'says nothing of a control plane')
    }
  }
  // Kept alive as an unknown route's connection is: nothing on the wire tells them apart.
  const connection = await Connection.open(t, l.port)
  await connection.write(bytesOf('POST', '/__admin/reset', {}) + bytesOf('POST', '/__nimda/reset', {}))
  const [reset, unknown] = await connection.read(2)
  t.strictSame(same(reset!), { ...same(unknown!), body: unknown!.body.replace('/__nimda', '/__admin') })
  t.strictSame(state(l.app), before, 'nothing changed')
})
