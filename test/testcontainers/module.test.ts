// basic-admin-mock/testcontainers without an engine: its input checks, and its control-plane functions over HTTP
// against a real server in this process, answer for answer with startMockServer's own. The container itself (start,
// stop, exit code, cleanup) is the Docker check's (scripts/testcontainers-check.mjs). testcontainers 12 loads on Node
// 22.19 or newer only (its undici): on an older Node only the import's refusal is tested, and .ci/run's Node 26 run runs the rest.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startMockServer } from '../../src/index.js'
import { DEMO_KEY_SECRET } from '../../src/domain/demo.js'

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const skip = major > 22 || (major === 22 && minor >= 19) ? false : `testcontainers 12 needs Node 22.19 or newer (this is ${process.versions.node}); .ci/run runs this file on Node 26`
const ADMIN = 'an-admin-token-0123456789'

t.test('on a Node testcontainers 12 cannot run on, the import says which Node it needs, before testcontainers fails', { skip: skip === false ? 'this Node runs testcontainers 12' : false }, async t => {
  await t.rejects(import('../../src/testcontainers/index.js'), new Error(`basic-admin-mock/testcontainers: testcontainers 12 needs Node 22.19 or newer, and this is Node ${process.versions.node}: run your tests on Node 22.19+ (or start the image with docker run, docs/docker.md)`))
})

t.test('the builder refuses what the image would refuse, at the call that gave it', { skip }, async t => {
  const { BasicAdminMockContainer } = await import('../../src/testcontainers/index.js')
  t.throws(() => new BasicAdminMockContainer(''), new TypeError("BasicAdminMockContainer takes the image name, e.g. new BasicAdminMockContainer('basic-admin-mock') (docs/testcontainers.md builds it)"))
  const container = new BasicAdminMockContainer('basic-admin-mock')
  t.throws(() => container.withAdminToken('short'), new TypeError('withAdminToken takes at least 16 visible ASCII characters (no space)'))
  t.throws(() => container.withLogLevel('loud' as 'info'), new TypeError('withLogLevel takes one of fatal, error, warn, info, debug, trace, silent (got "loud")'))
  t.throws(() => container.withFixture(join(t.testdirName, 'none.json')), { code: 'ENOENT' }, 'a missing fixture file is an error at withFixture()')
  t.throws(() => container.withFixture([] as never), new TypeError('withFixture takes a fixture object or the path of a fixture file'))
})

t.test('the started container\'s functions over HTTP answer as startMockServer\'s do in-process', { skip }, async t => {
  const { StartedBasicAdminMockContainer, BasicAdminMockError, PORT } = await import('../../src/testcontainers/index.js')
  const mock = await startMockServer({ adminToken: ADMIN, clock: '2030-01-01T00:00:00.000Z' })
  t.teardown(() => mock.close())
  const { hostname, port } = new URL(mock.url)
  // What Testcontainers would hand over for a started image: where its port 3003 is mapped. Only the address is a stand-in.
  const started = { getHost: () => hostname, getMappedPort: (asked: number) => { if (asked !== PORT) throw new Error(`port ${asked}`); return Number(port) } }
  const container = new StartedBasicAdminMockContainer(started as never, ADMIN)
  t.equal(container.getUrl(), mock.url)
  t.equal(container.getAdminToken(), ADMIN)

  const res = await fetch(`${mock.url}/project/proj_demo/key/key_demo`, { method: 'PATCH', headers: { authorization: `Bearer ${DEMO_KEY_SECRET}`, 'content-type': 'application/json' }, body: '{"label":"Renamed"}' })
  t.equal(res.status, 200)
  t.strictSame(await container.requests({ operation: 'updateApiKey' }), mock.requests({ operation: 'updateApiKey' }), 'requests() is the journal')
  t.equal(await container.count({ status: '2xx' }), 1)
  t.strictSame(await container.coverage(), mock.coverage(), 'coverage() is the report')

  const fault = await container.faults.add({ operation: 'updateApiKey', status: 503, times: 1 })
  t.match(fault, { id: String, operation: 'updateApiKey', status: 503 })
  t.strictSame(await container.faults.list(), [fault])
  await container.faults.clear()
  t.strictSame(await container.faults.list(), [])
  const refused = await container.faults.add({ operation: 'nope', status: 503 }).catch((error: unknown) => error)
  t.ok(refused instanceof BasicAdminMockError, 'a refusal is a BasicAdminMockError')
  t.match(refused, { status: 400, message: /^POST \/__admin\/faults answered 400: .*nope/ })

  const token = await container.token('user_demo', { expiresIn: '5m' })
  const read = await fetch(`${mock.url}/project/proj_demo/key/key_demo`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(read.status, 200, 'token() mints a token the server accepts')

  const fixture = join(t.testdir({}), 'fixture.json')
  writeFileSync(fixture, JSON.stringify({ users: [{ id: 'user_alice', email: 'alice@example.com', name: 'Alice' }], projects: [] }))
  t.equal(await container.loadFixture(fixture), 1, 'loadFixture() of a file adds its rows')
  const suite = container.namespace('suite-a')
  t.equal(await suite.loadFixture({ users: [{ id: 'user_bob', email: 'bob@example.com', name: 'Bob' }], projects: [] }), 1)
  t.strictSame((await container.namespaces()).map(row => row.name), ['default', 'suite-a'])
  t.equal(await suite.drop(), true)
  t.equal(await suite.drop(), false, 'a second drop finds nothing')
  t.match(await container.namespaces(), [{ name: 'default', users: 2 }])
  await container.reset()
  t.match(await container.namespaces(), [{ name: 'default', users: 1 }], 'reset() is back to the seed')
})
