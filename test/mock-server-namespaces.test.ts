// In-process namespaces: mock.namespace(name).drop() (there was no way to drop one but the HTTP route), the limit as
// the RangeError the docs name with an in-process remedy (it pointed at DELETE /__admin/namespaces), and the Host
// check of a server bound to loopback, which startMockServer is by default.
import t, { type Test } from 'tap'
import { request } from 'node:http'
import { startMockServer, type MockServer } from '../src/index.js'
import { DEMO_KEY_SECRET } from '../src/domain/demo.js'
import { patience } from './patience.js'

async function start (t: Test, options: Parameters<typeof startMockServer>[0]): Promise<MockServer> {
  const mock = await startMockServer(options)
  t.teardown(() => mock.close())
  return mock
}

const label = async (mock: MockServer, headers: Record<string, string>): Promise<string> => {
  const res = await fetch(`${mock.url}/project/proj_demo/key/key_demo`, { headers: { ...headers, authorization: `Bearer ${DEMO_KEY_SECRET}` }, signal: AbortSignal.timeout(patience(1_000)) })
  return (await res.json()).key.label
}

t.test('namespace(name).drop() deletes it; its methods then throw, and namespace(name) opens it again from the seed', async t => {
  const mock = await start(t, { namespaceLimit: 1 })
  const team = mock.namespace('team')
  team.createKey('proj_demo', 'Made in team', 'read')
  const patched = await fetch(`${mock.url}/project/proj_demo/key/key_demo`, { method: 'PATCH', headers: { ...team.headers, authorization: `Bearer ${DEMO_KEY_SECRET}`, 'content-type': 'application/json' }, body: '{"label":"In team"}' })
  t.equal(patched.status, 200)
  t.throws(() => mock.namespace('other'), new RangeError('namespace "other": the server holds 1 namespaces (NAMESPACE_LIMIT / namespaceLimit): drop one with mock.namespace(name).drop()'))
  t.equal(await team.drop(), true)
  t.equal(await team.drop(), false, 'nothing left to drop')
  t.throws(() => team.createKey('proj_demo', 'x', 'read'), new TypeError('namespace "team" was dropped: mock.namespace("team") opens it again from the seed'))
  await t.rejects(team.reset(), new TypeError('namespace "team" was dropped: mock.namespace("team") opens it again from the seed'))
  t.equal(mock.namespace('other').name, 'other', 'room again')
  await mock.namespace('other').drop()
  const again = mock.namespace('team')
  t.equal(await label(mock, again.headers), 'Demo admin key', 'the seed again')
  await t.rejects(mock.namespace('default').drop(), new TypeError('the default namespace cannot be dropped: reset it with mock.reset()'))
})

t.test('a name differing only in case from an open one is a TypeError', async t => {
  const mock = await start(t, {})
  mock.namespace('suite')
  t.throws(() => mock.namespace('Suite'), new TypeError('namespace "Suite": namespace "suite" exists, and names that differ only in case would share one file on case-insensitive file systems: use "suite" or another name'))
})

/** A GET with exactly this Host header (fetch sets its own). */
const withHost = (mock: MockServer, host: string) => new Promise<{ status: number, body: unknown }>((resolve, reject) => {
  const { port } = new URL(mock.url)
  const req = request({ host: '127.0.0.1', port, path: '/health', setHost: false, headers: { host } }, res => {
    let text = ''
    res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }))
  })
  req.on('error', reject).end()
})

t.test('bound to loopback, a Host that is no loopback name is refused (DNS rebinding); bound to 0.0.0.0, any Host is answered', async t => {
  const mock = await start(t, {})
  const { port } = new URL(mock.url)
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `app.localhost:${port}`, `[::1]:${port}`, '127.1.2.3']) {
    t.equal((await withHost(mock, host)).status, 200, host)
  }
  for (const host of [`evil.example:${port}`, 'localhost.evil.example', '127.0.0.1.evil.example', '10.0.0.1', `0.0.0.0:${port}`]) {
    t.strictSame(await withHost(mock, host), {
      status: 400,
      body: { error: 'Bad Request', message: `Host ${JSON.stringify(host)} is not a name of this machine's loopback interface, where this server listens: call it as localhost, 127.0.0.1 or [::1] (a page of another site may not reach it through its own name), or bind HOST to 0.0.0.0 to answer any name` }
    }, host)
  }
  const open = await start(t, { host: '0.0.0.0' })
  t.equal((await withHost(open, 'basic-admin-mock:3003')).status, 200, 'a container\'s name')
  t.equal((await withHost(open, 'evil.example')).status, 200)
})
