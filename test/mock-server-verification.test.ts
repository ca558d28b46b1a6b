// startMockServer's verification and coverage, as a consumer's suite calls them in its own process.
import t from 'tap'
import { startMockServer, type MockServer } from '../src/index.js'
import { DEMO_KEY_SECRET } from '../src/domain/demo.js'
import { patience } from './patience.js'

async function start (t: { teardown: (fn: () => unknown) => void }, adminToken?: string): Promise<MockServer> {
  const mock = await startMockServer(adminToken === undefined ? {} : { adminToken })
  t.teardown(() => mock.close())
  return mock
}

const rename = async (mock: MockServer, key: string, bearer: string | undefined, label: string): Promise<number> => {
  const res = await fetch(`${mock.url}/project/proj_demo/key/${key}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
    body: JSON.stringify({ label }),
    signal: AbortSignal.timeout(patience(1_000))
  })
  await res.arrayBuffer()
  return res.status
}

t.test('requests(), count() and coverage() read this server\'s answers, without an adminToken', async t => {
  const mock = await start(t)
  t.equal(await rename(mock, 'key_demo', DEMO_KEY_SECRET, 'One'), 200)
  t.equal(await rename(mock, 'key_demo', undefined, 'Two'), 401)
  t.equal(await rename(mock, 'key_nope', DEMO_KEY_SECRET, 'Three'), 404)
  t.equal(mock.count(), 3)
  t.equal(mock.count({ operation: 'updateApiKey', status: '4xx' }), 2)
  t.equal(mock.count({ caller: 'key_demo' }), 2)
  t.match(mock.requests({ status: 401 }), [{ operation: 'updateApiKey', method: 'PATCH', path: '/project/proj_demo/key/key_demo', status: 401, caller: null, body: null }], 'refused before its body was read')
  t.equal(mock.requests({ status: 401 }).length, 1)
  t.equal(mock.count({ since: new Date(Date.now() + 60_000) }), 0, 'since takes a Date')
  t.equal(mock.count({ namespace: 'default' }), 3)

  const report = mock.coverage()
  t.equal(report.namespace, 'default')
  t.equal(report.covered, 3)
  const update = report.operations.find(o => o.operation === 'updateApiKey')!
  t.strictSame(update.statuses.map(s => [s.status, s.count]), [[200, 1], [400, 0], [401, 1], [404, 1]])
  t.notOk(report.missing.includes('updateApiKey:404:not-visible'))
  t.ok(report.missing.includes('updateApiKey:401:unknown-credential'))

  await mock.reset()
  t.equal(mock.coverage().covered, 0, 'reset() starts counting again')
  t.equal(mock.count(), 3, 'the journal is kept')
})

t.test('what requests() returns is a copy: changing it changes nothing', async t => {
  const mock = await start(t)
  t.equal(await rename(mock, 'key_demo', DEMO_KEY_SECRET, 'One'), 200)
  const [entry] = mock.requests()
  ;(entry!.body as { label: string }).label = 'Changed'
  entry!.status = 500
  t.match(mock.requests(), [{ status: 200, body: { label: 'One' } }])
})

t.test('a bad or misspelt filter is a TypeError naming it', async t => {
  const mock = await start(t, 'admin-token-0123456789')
  for (const [filter, message] of [
    [{ status: 'teapot' }, 'status must be a status such as 404 or a class such as 4xx (got "teapot")'],
    [{ operation: 'renameKey' }, /^operation must be an operationId of the contract: createApiKey, .*updateApiKey, verifyApiKey \(got "renameKey"\)$/],
    [{ since: new Date('not a date') }, 'since must be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z (got "Invalid Date")'],
    [{ namespace: '../etc' }, 'namespace must be 1 to 64 of A-Z a-z 0-9 _ . - (got "../etc")'],
    [{ namespace: 'elsewhere' }, 'namespace must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "elsewhere")'],
    [{ stauts: 404 }, 'Unknown filter "stauts" (known: operation, method, path, status, caller, since, namespace)']
  ] as const) {
    t.throws(() => mock.requests(filter as object), { name: 'TypeError', message }, JSON.stringify(filter))
    t.throws(() => mock.count(filter as object), { name: 'TypeError', message })
  }
})
