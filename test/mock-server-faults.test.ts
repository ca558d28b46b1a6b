// startMockServer's faults and tokens as a consumer's suite meets them (issue 23 items 5 and 10, issue 25 item 5): a
// rule that could never fire, a namespace that is not open and a token that could never expire are TypeErrors that
// say why, never a rule silently kept, a namespace silently opened or a RangeError.
import t from 'tap'
import { startMockServer, type MockServer } from '../src/index.js'
import { DEMO_KEY_SECRET } from '../src/domain/demo.js'
import { patience } from './patience.js'

const ADMIN_TOKEN = 'an-admin-token-0123456789'

async function start (t: { teardown: (fn: () => unknown) => void }): Promise<MockServer> {
  const mock = await startMockServer({ adminToken: ADMIN_TOKEN })
  t.teardown(() => mock.close())
  return mock
}

async function list (mock: MockServer, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${mock.url}/project/proj_demo/key`, { headers: { authorization: `Bearer ${DEMO_KEY_SECRET}`, ...headers }, signal: AbortSignal.timeout(patience(1_000)) })
  await res.arrayBuffer()
  return res.status
}

async function namespaces (mock: MockServer): Promise<string[]> {
  const res = await fetch(`${mock.url}/__admin/namespaces`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  return ((await res.json()) as { namespaces: Array<{ name: string }> }).namespaces.map(namespace => namespace.name)
}

t.test('a rule that could never match is a TypeError with what it could have meant, as over HTTP, and nothing is added', async t => {
  const mock = await start(t)
  t.throws(() => mock.faults.add({ operation: 'patchApiKey', status: 503 }), new TypeError('fault rule: operation "patchApiKey" is no operation of the contract: did you mean updateApiKey?'))
  t.throws(() => mock.faults.add({ operation: 'updateApiKeys', status: 503 }), new TypeError('fault rule: operation "updateApiKeys" is no operation of the contract: did you mean updateApiKey?'))
  t.throws(() => mock.faults.add({ path: '/projects/*', status: 503 }), new TypeError('fault rule: path "/projects/*" matches no route of the contract: did you mean "/project/*"? (* matches any run of characters)'))
  t.throws(() => mock.faults.add({ operation: 'listApiKeys', status: 503, retry_after: 1e21 }), TypeError)
  const res = await fetch(`${mock.url}/__admin/faults`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.strictSame(await res.json(), { faults: [] }, 'no rule was kept')
  t.equal(await list(mock), 200)
})

t.test('faults.add() and faults.clear() never open a namespace: one that is not open is a TypeError naming it, as requests() refuses it', async t => {
  const mock = await start(t)
  const notOpen = new TypeError('namespace "suite_a" is not open: open it with mock.namespace("suite_a") first')
  t.throws(() => mock.faults.add({ operation: 'listApiKeys', status: 503 }, 'suite_a'), notOpen)
  t.throws(() => mock.faults.clear('suite_a'), notOpen)
  t.throws(() => mock.requests({ namespace: 'suite_a' }), TypeError, 'as the journal query refuses it')
  t.throws(() => mock.faults.add({ operation: 'listApiKeys', status: 503 }, 'not ok'), new TypeError('namespace must be 1 to 64 characters of A-Z a-z 0-9 _ . - (got "not ok")'))
  t.strictSame(await namespaces(mock), ['default'], 'nothing was opened')

  const suite = mock.namespace('suite_a')
  t.strictSame(mock.faults.add({ operation: 'listApiKeys', status: 503 }, 'suite_a'), { operation: 'listApiKeys', status: 503, id: 'fault-1', hits: 0 })
  t.equal(await list(mock, suite.headers), 503, 'the rule acts in its namespace')
  t.equal(await list(mock), 200, 'and only there')
  mock.faults.clear('suite_a')
  t.equal(await list(mock, suite.headers), 200)
  t.strictSame(mock.faults.add({ operation: 'listApiKeys', status: 502, times: 1 }, 'default'), { operation: 'listApiKeys', status: 502, times: 1, id: 'fault-1', hits: 0 }, '"default" is always open')
  t.equal(await list(mock), 502)
})

t.test('token() with a lifetime past 100 years is a TypeError naming expiresIn, not a RangeError', async t => {
  const mock = await start(t)
  for (const expiresIn of ['99999999d', '36501d']) {
    t.throws(() => mock.token('user_demo', { expiresIn }), new TypeError(`expiresIn must be at most 36500d (100 years) (got ${JSON.stringify(expiresIn)})`), expiresIn)
  }
  t.type(mock.token('user_demo', { expiresIn: '36500d' }), 'string', 'a hundred years is the longest')
})
