// Pact provider states (docs/pact.md): Pact's own verifier, with its prebuilt core, verifies a consumer's pact against
// the server, setting each interaction's state through POST /__admin/provider-states.
import t from 'tap'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readRecipe } from '../../scripts/recipes.mjs'
import { startMockServer, type MockServer } from '../../src/index.js'
import { packageRoot } from '../../src/paths.js'
import { patience } from '../patience.js'
import { runToEnd } from '../process/run-to-end.js'

const ADMIN_TOKEN = 'pact-admin-token-0123456789'
const PACT = join(packageRoot, 'test', 'pact')
const STATES = join(PACT, 'provider-states.json')
const VERIFY = join(packageRoot, 'dist-test', 'test', 'pact', 'verify.js')
const K1 = 'basic_key_pact_k1_0000000000000000000000000001'

type Tap = { teardown: (fn: () => unknown) => void }

async function start (t: Tap): Promise<MockServer> {
  const mock = await startMockServer({ adminToken: ADMIN_TOKEN, providerStates: STATES })
  t.teardown(() => mock.close())
  return mock
}

/** The verifier's run: its exit code and what it printed, colours and timings taken out. */
async function verify (mock: MockServer, namespace: string, pact: string): Promise<{ code: number | null, output: string }> {
  // The admin token as the URL's password: custom headers would also replace each interaction's Authorization.
  const statesUrl = `${mock.url.replace('http://', `http://pact:${ADMIN_TOKEN}@`)}/__admin/provider-states`
  const ran = await runToEnd(process.execPath, [VERIFY, mock.url, statesUrl, namespace, join(PACT, pact)], {
    env: { PACT_DO_NOT_TRACK: 'true', HOME: packageRoot },
    timeoutMs: patience(30_000),
    what: `the Pact verifier on ${pact}`
  })
  // eslint-disable-next-line no-control-regex
  const output = ran.stdout.replace(/\x1b\[[0-9;]*m/g, '').replace(/\(\d+m?s loading, \d+m?s verification\)/g, '(…)')
  return { code: ran.code, output }
}

t.test('Pact\'s verifier passes a pact of PATCH 200, 400, 401 and 404, each state set in a namespace of its run', async t => {
  const mock = await start(t)
  const { code, output } = await verify(mock, 'pact-run-1', 'key-client.pact.json')
  t.equal(code, 0, 'the verifier exits 0')
  t.comment(output.split('VERIFIED')[0]!.trim().split('\n').map(line => `verifier: ${line}`).join('\n'))
  for (const interaction of ['a rename of a key', 'a rename to an empty label', 'a rename without credentials', 'a rename of a key the project lacks']) {
    t.match(output, `  ${interaction} (…)\n     Given key k1 exists in project p1 with roles admin\n    returns a response which\n`, interaction)
  }
  t.notMatch(output, /FAILED|Failures:/)
  const result = JSON.parse(output.split('VERIFIED ')[1]!) as { result: boolean, interactionResults: Array<{ result: string }> }
  t.strictSame([result.result, result.interactionResults.map(r => r.result)], [true, ['OK', 'OK', 'OK', 'OK']])
  // The run's requests went to its namespace: the default one still has the demo data, untouched.
  t.equal(mock.count({ namespace: 'pact-run-1', path: '/project/p1/key/*' }), 4)
  t.equal(mock.count({ path: '/project/p1/key/*' }), 0)
  const demo = await fetch(`${mock.url}/project/proj_demo/key/key_demo`, { method: 'PATCH', headers: { authorization: `Bearer ${K1}`, 'content-type': 'application/json' }, body: '{"label":"x"}', signal: AbortSignal.timeout(patience(1_000)) })
  t.equal(demo.status, 401, 'k1 exists only in the run\'s namespace')
})

t.test('a consumer\'s wrong expectation fails with the verifier\'s own mismatch', async t => {
  const mock = await start(t)
  const { code, output } = await verify(mock, 'pact-run-2', 'key-client-wrong.pact.json')
  t.equal(code, 1, 'the verifier exits 1')
  t.comment(output.trim().split('\n').map(line => `verifier: ${line}`).join('\n'))
  t.match(output, '     Given key k1 exists in project p1 with roles admin\n')
  t.match(output, 'has a matching body (FAILED)')
  t.match(output, "    1.1) has a matching body\n           $.key.roles -> Expected 'admin,read' (String) to be equal to 'read' (String)\n")
  t.match(output, 'There were 1 pact failures')
})

t.test('the states route: setup replaces the namespace with the state\'s fixture, params fill it, unknown states are a 400 listing the known', async t => {
  const mock = await start(t)
  const post = async (body: unknown, authorization = `Bearer ${ADMIN_TOKEN}`): Promise<{ status: number, body: unknown }> => {
    const res = await fetch(`${mock.url}/__admin/provider-states`, { method: 'POST', headers: { authorization, 'content-type': 'application/json', 'x-mock-namespace': 'states' }, body: JSON.stringify(body), signal: AbortSignal.timeout(patience(1_000)) })
    return { status: res.status, body: await res.json() }
  }
  const state = 'key k1 exists in project p1 with roles admin'
  t.strictSame(await post({ state, params: { roles: 'admin,read' }, action: 'setup' }), { status: 200, body: { state, action: 'setup', created: 4 } })
  const res = await fetch(`${mock.url}/project/p1/key/k1`, { method: 'PATCH', headers: { authorization: `Bearer ${K1}`, 'content-type': 'application/json', 'x-mock-namespace': 'states' }, body: '{"label":"Read"}', signal: AbortSignal.timeout(patience(1_000)) })
  t.match(await res.json(), { key: { id: 'k1', label: 'Read', roles: 'admin,read' } }, 'the params filled the fixture')
  t.strictSame(await post({ state, action: 'teardown' }), { status: 200, body: { state, action: 'teardown', created: 0 } })
  t.strictSame(await post({ state: 'project p1 has no keys' }), { status: 200, body: { state: 'project p1 has no keys', action: 'setup', created: 3 } }, 'setup is the default action, and it replaces everything')
  t.strictSame(await post({ state: 'key k2 exists' }), { status: 400, body: { error: 'Bad Request', message: `unknown provider state "key k2 exists": ${STATES} knows "key k1 exists in project p1 with roles admin", "project p1 has no keys"` } })
  const basic = `Basic ${Buffer.from(`pact:${ADMIN_TOKEN}`).toString('base64')}`
  t.equal((await post({ state }, basic)).status, 200, 'the admin token as a Basic password, as a URL\'s user info sends it')
  t.strictSame(await post({ state }, `Basic ${Buffer.from('pact:wrong-token-0123456789').toString('base64')}`), { status: 404, body: { error: 'Not Found', message: 'Route POST /__admin/provider-states not found' } }, 'any other password: the plane is absent')
  const elsewhere = await fetch(`${mock.url}/__admin/requests/count`, { headers: { authorization: basic }, signal: AbortSignal.timeout(patience(1_000)) })
  t.equal(elsewhere.status, 404, 'Basic opens this route only')
})

t.test('a states file that cannot be used stops the start naming PROVIDER_STATES', async t => {
  const dir = t.testdir({ 'bad.json': '{"s": {"projects": [{"id": ""}]}}', 'params.json': '{"s": {"fixture": {"users": [{"id": "{{user}}", "email": "a@b.test", "name": "A"}]}}}', 'empty.json': '{}' })
  await t.rejects(startMockServer({ providerStates: STATES }), { message: 'invalid setting PROVIDER_STATES: its route is on the control plane: set ADMIN_TOKEN too' })
  const missing = join(dir, 'missing.json')
  await t.rejects(startMockServer({ adminToken: ADMIN_TOKEN, providerStates: missing }), { message: `PROVIDER_STATES ${missing} cannot be read (ENOENT): fix the file (docs/pact.md shows one)` })
  await t.rejects(startMockServer({ adminToken: ADMIN_TOKEN, providerStates: join(dir, 'empty.json') }), { message: /must be a JSON object naming at least one state/ })
  await t.rejects(startMockServer({ adminToken: ADMIN_TOKEN, providerStates: join(dir, 'bad.json') }), { message: new RegExp(`^PROVIDER_STATES ${join(dir, 'bad.json')} state "s": `) })
  await t.rejects(startMockServer({ adminToken: ADMIN_TOKEN, providerStates: join(dir, 'params.json') }), { message: `PROVIDER_STATES ${join(dir, 'params.json')} state "s": needs the param "user": give it in the pact's provider state, or a default in the state's "params": fix the file (docs/pact.md shows one)` })
})

t.test('docs/pact.md\'s recipes run as written: its states file is the tests\', its verifier passes the pact', async t => {
  t.strictSame(JSON.parse(readRecipe(packageRoot, 'pact-states')), JSON.parse(readFileSync(STATES, 'utf8')), 'the documented states are the ones verified')
  const mock = await start(t)
  // Inside lab/, where @pact-foundation/pact resolves as in a consumer's project.
  mkdirSync(join(packageRoot, 'lab', '.recipes'), { recursive: true })
  const dir = mkdtempSync(join(packageRoot, 'lab', '.recipes', 'pact-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const script = join(dir, 'verify.mjs')
  writeFileSync(script, readRecipe(packageRoot, 'pact-verifier'))
  const ran = await runToEnd(process.execPath, [script], {
    env: { MOCK_URL: mock.url, ADMIN_TOKEN, PACT_FILE: join(PACT, 'key-client.pact.json'), PACT_DO_NOT_TRACK: 'true', HOME: dir },
    timeoutMs: patience(30_000),
    what: 'the pact-verifier recipe'
  })
  t.equal(ran.code, 0, ran.stdout + ran.stderr)
  // eslint-disable-next-line no-control-regex
  t.equal(ran.stdout.replace(/\x1b\[[0-9;]*m/g, '').match(/has a matching body \(OK\)/g)?.length, 4, 'four interactions verified')
})
