// The validating proxy (issue 27 item 1) in-process, against the drift tests' stand-ins of the real service: a faithful
// one gives no disagreement and no answer-side finding; the drifting one is found in each way it drifts, with the
// operation, status and pointer; the exchanges are journaled and counted in the namespace "proxy" only.
import t, { type Test } from 'tap'
import { startMockServer, type MockServer } from '../../src/mock-server.js'
import type { ProxyDriftReport } from '../../src/operations/proxy-findings.js'
import { DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { patience } from '../patience.js'
import { drifting, PROJECT, standIn, TOKEN } from '../drift/stand-ins.js'

const ADMIN = 'proxy-admin-token-0123456789'
const timeout = patience(200)

async function proxyTo (t: Test, target: string, extra: { ca?: string } = {}): Promise<MockServer> {
  const mock = await startMockServer({ adminToken: ADMIN, proxy: { target, timeout, ...extra } })
  t.teardown(() => mock.close())
  return mock
}

const auth = (token = TOKEN): Record<string, string> => ({ authorization: `Bearer ${token}` })
const json = { 'content-type': 'application/json' }

/** The same exchanges on both stand-ins: valid calls, the edge bodies the mock refuses, and unknown ids. */
async function traffic (url: string): Promise<Array<{ status: number, body: string }>> {
  const call = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) })
    return { status: res.status, body: await res.text() }
  }
  const created = await call('POST', `/project/${PROJECT}/key`, { ...auth(), ...json }, '{"label":"via the proxy","roles":"read"}')
  const id = (JSON.parse(created.body) as { key: { id: string } }).key.id
  const key = `/project/${PROJECT}/key/${id}`
  return [
    created,
    await call('PATCH', key, { ...auth(), ...json }, '{"label":"renamed"}'),
    await call('PATCH', key, { ...auth(), ...json }, '{"label":"x","color":"red"}'),
    await call('PATCH', key, { ...auth(), 'content-type': 'text/plain' }, 'label=x'),
    await call('PATCH', key, auth()),
    await call('GET', key, auth()),
    await call('GET', `/project/${PROJECT}/key/key_unknown`, auth()),
    await call('GET', `/project/${PROJECT}/key`, {}),
    await call('DELETE', key, auth())
  ]
}

const rows = (report: ProxyDriftReport): string[] => report.operations.flatMap(o => o.kinds.flatMap(k => k.findings.map(f => `${f.operation} | ${f.kind} | ${f.status ?? '-'} | ${f.where ?? ''} | ${f.message} | ${f.count}`)))

t.test('a stand-in that answers like the mock: the answers come back unchanged, no disagreement, only the requests the contract refuses', async t => {
  const target = await standIn(t, undefined)
  const proxy = await proxyTo(t, target.url)
  const answers = await traffic(proxy.url)
  t.strictSame(answers.map(a => a.status), [200, 200, 400, 400, 400, 200, 404, 401, 200])
  t.equal(answers[2]!.body, '{"error":"Bad Request","message":"Unknown property \\"color\\" in request body"}', 'the target\'s own words, unchanged')
  const report = await proxy.drift()
  t.equal(report.exchanges, 9)
  t.equal(report.disagreements, 0)
  t.strictSame(rows(report), [
    'updateApiKey | request | 400 | /color | Unexpected property | 1',
    'updateApiKey | request | 400 |  | the mock refuses it (rule content-type): Content-Type must be application/json | 1',
    'updateApiKey | request | 400 |  | the mock refuses it (rule schema:type): A request body is required: send a JSON object with Content-Type: application/json | 1'
  ])
  t.strictSame({ ...report.counts }, { request: 3, response: 0, disagreement: 0, transport: 0, 'server-error': 0 })
  t.equal(report.target, target.url)

  // The journal and coverage of real traffic: the namespace "proxy", redacted as served requests are; the default one untouched.
  const journal = proxy.requests({ namespace: 'proxy' })
  t.strictSame(journal.map(e => `${e.method} ${e.operation ?? '-'} ${e.status ?? '-'}`), ['POST createApiKey 200', 'PATCH updateApiKey 200', 'PATCH updateApiKey 400', 'PATCH updateApiKey 400', 'PATCH updateApiKey 400', 'GET getApiKey 200', 'GET getApiKey 404', 'GET listApiKeys 401', 'DELETE deleteApiKey 200'])
  t.strictSame(journal[0]!.body, { label: 'via the proxy', roles: 'read' })
  t.notMatch(JSON.stringify(journal), TOKEN, 'no credential in the journal')
  t.strictSame(proxy.requests(), [], 'the default namespace journaled nothing')
  const coverage = proxy.coverage({ namespace: 'proxy' })
  t.match(JSON.stringify(coverage), /createApiKey/)
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'], 'the target did what it was asked, and nothing more')
})

t.test('a drifting stand-in: each drift is a finding with its operation, kind, status and pointer', async t => {
  const target = await standIn(t, drifting)
  const proxy = await proxyTo(t, target.url)
  const call = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const res = await fetch(proxy.url + path, { method, headers, ...(body === undefined ? {} : { body }) })
    return `${res.status} ${await res.text()}`
  }
  const created = JSON.parse((await call('POST', `/project/${PROJECT}/key`, { ...auth(), ...json }, '{"label":"drift","roles":"read"}')).slice(4)) as { key: { id: string } }
  const key = `/project/${PROJECT}/key/${created.key.id}`
  t.match(await call('PATCH', key, { ...auth(), ...json }, '{"label":""}'), /^200 \{"key":\{.*"label":"accepted an empty one"/, 'the target\'s answer, not the mock\'s')
  t.match(await call('GET', key, auth()), /^200 .*"scopes":\[\]/)
  t.equal(await call('GET', `/project/${PROJECT}/key/key_drift_unknown`, auth()), '404 {"error":"Not Found","message":"no such key"}')
  t.equal(await call('GET', `/project/${PROJECT}/key`, auth('basic_key_otherOTHERotherOTHERother0000')), '403 {"error":"Forbidden","message":"not an admin key"}')
  t.match(await call('GET', `/project/${PROJECT}/key`, auth()), /^200 \{"data":/)
  t.match(await call('POST', `${key}/regenerate`, auth()), /^500 /)
  t.equal(await call('GET', '/project/proj_drift_unknown/key', auth()), `504 {"error":"Gateway Timeout","message":"the target ${target.url} gave no answer within ${timeout} ms (--timeout)"}`)
  t.match(await call('GET', `/project/${PROJECT}/key`, {}), /^502 \{"error":"Bad Gateway","message":"the target http:\/\/127\.0\.0\.1:\d+ closed the connection before answering/)

  const report = await proxy.drift()
  t.equal(report.exchanges, 9)
  t.strictSame(rows(report), [
    'getApiKey | response | 200 | /key/scopes | Unexpected property | 1',
    'getApiKey | response | 404 | /message | Unexpected property | 1',
    'listApiKeys | response | 403 |  | status 403 is not an answer of listApiKeys (the contract has 200, 400, 401, 404) | 1',
    'listApiKeys | disagreement | 200 | content-type | real service: content-type application/json; charset=utf-8; mock: application/json | 1',
    `listApiKeys | transport | 504 |  | the target ${target.url} gave no answer within ${timeout} ms (--timeout) | 1`,
    `listApiKeys | transport | 502 |  | the target ${target.url} closed the connection before answering (UND_ERR_SOCKET) | 1`,
    'regenerateApiKey | server-error | 500 |  | the target answered 500: {"error":"Internal Server Error","message":"failed for Bearer [redacted]"} | 1',
    'updateApiKey | request | 200 | /label | label must not be empty or only whitespace | 1',
    'updateApiKey | disagreement | 200 |  | real service: 200 to this request; mock: 400 label (label must not be empty or only whitespace) | 1'
  ])
  t.strictSame({ ...report.counts }, { request: 1, response: 3, disagreement: 2, transport: 2, 'server-error': 1 })
  t.equal(report.violations, 7)
  t.equal(report.disagreements, 2)
  t.notMatch(JSON.stringify(report), TOKEN, 'the credential the 500 echoed is not in the report')
})

t.test('HTTPS with a self-signed certificate: refused without its CA (502, a finding), forwarded with it', async t => {
  const { selfSigned } = await import('../drift/stand-ins.js')
  const { readFileSync } = await import('node:fs')
  const tls = selfSigned(t)
  const target = await standIn(t, undefined, tls)
  const refused = await proxyTo(t, target.url)
  const res = await fetch(`${refused.url}/project/${PROJECT}/key`, { headers: auth() })
  t.equal(res.status, 502)
  t.match(await res.json(), { error: 'Bad Gateway', message: /^the certificate of https:\/\/127\.0\.0\.1:\d+ was refused: \w+ \(give its CA with --ca FILE or NODE_EXTRA_CA_CERTS\)$/ })
  t.match(rows(await refused.drift()), [/^listApiKeys \| transport \| 502 \| {2}\| the certificate of/])

  const trusted = await proxyTo(t, target.url, { ca: readFileSync(tls.cert, 'utf8') })
  const ok = await fetch(`${trusted.url}/project/${PROJECT}/key`, { headers: auth() })
  t.equal(ok.status, 200)
  t.match(await ok.json(), { data: [{ id: 'key_drift_admin' }, { id: 'key_other' }] })
  t.strictSame(rows(await trusted.drift()), [])
})

t.test('a mock as the target is refused; a closed port is a 502 and a finding, the proxy goes on', async t => {
  const mirror = await startMockServer()
  t.teardown(() => mirror.close())
  await t.rejects(startMockServer({ proxy: { target: mirror.url } }), { name: 'TypeError', message: /is a basic-admin-mock server .* proves nothing/ })
  await t.rejects(startMockServer({ proxy: { target: 'ftp://example.com' } }), { name: 'TypeError', message: 'proxy target must be http or https (got "ftp:")' })
  await t.rejects(startMockServer({ proxy: { target: 'http://127.0.0.1:1', timeout: 0 } }), { name: 'TypeError', message: 'proxy timeout must be 1 to 600000 ms (got 0)' })

  const { createServer } = await import('node:net')
  const closed = createServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as { port: number }).port
  await new Promise<void>(resolve => closed.close(() => resolve()))
  const proxy = await proxyTo(t, `http://127.0.0.1:${port}`)
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${proxy.url}/project/proj_demo/key`, { headers: { authorization: `Bearer ${DEMO_KEY_SECRET}` } })
    t.equal(res.status, 502)
    t.strictSame(await res.json(), { error: 'Bad Gateway', message: `cannot reach the target http://127.0.0.1:${port}: ECONNREFUSED` })
  }
  t.strictSame(rows(await proxy.drift()), [`listApiKeys | transport | 502 |  | cannot reach the target http://127.0.0.1:${port}: ECONNREFUSED | 2`])
})
