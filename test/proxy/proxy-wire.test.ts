// The proxy over a raw socket, against a plain target that records what it got: the answer comes back as the target
// sent it (status, headers, body, streamed as it comes), the hop-by-hop headers of RFC 9110 section 7.6.1 go neither
// way, /__admin stays the proxy's own, and what it keeps is bounded.
import t, { type Test } from 'tap'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { startMockServer } from '../../src/mock-server.js'
import { createProxyFindings } from '../../src/operations/proxy-findings.js'
import { patience } from '../patience.js'
import { Connection, exchange, requestBytes } from '../wire.js'

const ADMIN = 'proxy-admin-token-0123456789'

/** A target that records each request's headers and lets the test answer it. */
async function plainTarget (t: Test, answer: (res: ServerResponse, path: string) => void) {
  const got: Array<{ path: string, headers: IncomingHttpHeaders, body: string }> = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      got.push({ path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      if (req.url === '/openapi.json') res.writeHead(404).end()
      else answer(res, req.url!)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  const proxy = await startMockServer({ adminToken: ADMIN, proxy: { target: `http://127.0.0.1:${(server.address() as { port: number }).port}`, timeout: patience(500) } })
  t.teardown(() => proxy.close())
  // The start's own question (is the target a mock?) is no request of the test.
  return { proxy, port: Number(new URL(proxy.url).port), got: () => got.filter(g => g.path !== '/openapi.json') }
}

t.test('the answer comes back unchanged, the hop-by-hop headers are dropped both ways, the end-to-end ones kept', async t => {
  const { port, got } = await plainTarget(t, res => {
    res.writeHead(418, { 'content-type': 'text/plain; charset=latin1', 'x-custom': 'kept', connection: 'x-hop', 'x-hop': 'dropped', 'keep-alive': 'timeout=5', 'proxy-authenticate': 'Basic', upgrade: 'h2c', 'content-length': '13' }).end('I am a teapot')
  })
  const answer = await exchange(t, port, requestBytes('POST', '/project/p/key?x=1', {
    'Content-Type': 'application/json',
    Connection: 'x-client-hop',
    'X-Client-Hop': 'dropped',
    'Keep-Alive': 'timeout=5',
    TE: 'trailers',
    Trailer: 'x-t',
    'Proxy-Authorization': 'Basic c2VjcmV0',
    'X-End-To-End': 'kept'
  }, '{"label":"a","roles":"read"}'))
  t.equal(answer.status, 418)
  t.equal(answer.body, 'I am a teapot')
  t.equal(answer.headers['content-type'], 'text/plain; charset=latin1')
  t.equal(answer.headers['x-custom'], 'kept')
  t.equal(answer.headers['x-request-id'], undefined, 'the mock adds no header of its own')
  for (const name of ['x-hop', 'proxy-authenticate', 'upgrade']) t.equal(answer.headers[name], undefined, `${name} not forwarded to the client`)
  t.not(answer.headers['keep-alive'], 'timeout=5', 'the target\'s Keep-Alive is not forwarded (the proxy\'s own connection may have one)')
  t.equal(answer.headers['content-length'], '13')
  t.equal(got().length, 1)
  const sent = got()[0]!
  t.equal(sent.path, '/project/p/key?x=1', 'the path and query as sent')
  t.equal(sent.body, '{"label":"a","roles":"read"}', 'the body as sent')
  t.equal(sent.headers['x-end-to-end'], 'kept')
  for (const name of ['x-client-hop', 'keep-alive', 'te', 'trailer', 'proxy-authorization']) t.equal(sent.headers[name], undefined, `${name} not forwarded to the target`)
})

t.test('Expect: 100-continue is the proxy\'s to answer: the body goes on without it, and a GET\'s body is not announced', async t => {
  const { port, got } = await plainTarget(t, res => { res.writeHead(204).end() })
  const connection = await Connection.open(t, port)
  await connection.write(requestBytes('PATCH', '/project/p/key/k', { 'Content-Type': 'application/json', Expect: '100-continue' }, '{"label":"a"}'))
  const answers = await connection.read(2)
  t.strictSame(answers.map(a => a.status), [100, 204])
  t.equal(got()[0]!.body, '{"label":"a"}')
  t.equal(got()[0]!.headers.expect, undefined)
  const get = await exchange(t, port, requestBytes('GET', '/project/p/key', {}, 'a body'))
  t.equal(get.status, 204)
  t.equal(got()[1]!.headers['content-length'], undefined)
  t.equal(got()[1]!.body, '')
})

t.test('an answer is streamed: the client has its first part before the target sends the rest', async t => {
  let sendRest!: () => void
  const rest = new Promise<void>(resolve => { sendRest = resolve })
  const { port } = await plainTarget(t, res => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('first part;')
    rest.then(() => res.end('the rest'), () => {})
  })
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  let received = ''
  const firstPart = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first part within ${patience(1_000)} ms; got ${JSON.stringify(received)}`)), patience(1_000))
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8')
      if (received.includes('first part;')) { clearTimeout(timer); resolve() }
    })
  })
  socket.write(requestBytes('GET', '/stream', {}))
  await firstPart
  t.notMatch(received, 'the rest', 'the rest is not sent yet')
  const whole = new Promise<void>(resolve => socket.on('data', () => { if (received.includes('the rest')) resolve() }))
  sendRest()
  await whole
  t.match(received, /^HTTP\/1\.1 200 OK\r\n/)
})

t.test('/__admin is the proxy\'s own: the report as JSON and markdown, only for the admin bearer', async t => {
  const { proxy, got } = await plainTarget(t, res => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[],"extra":1}') })
  await fetch(`${proxy.url}/project/proj_demo/key`, { headers: { authorization: 'Bearer basic_key_whatever_0000000000000' } })
  const bearer = { authorization: `Bearer ${ADMIN}` }
  const json = await fetch(`${proxy.url}/__admin/drift`, { headers: bearer })
  t.equal(json.status, 200)
  t.match(await json.json(), { exchanges: 1, violations: 1, disagreements: 0, operations: [{ operation: 'listApiKeys', kinds: [{ kind: 'response', count: 1, findings: [{ status: 200, where: '/extra', message: 'Unexpected property' }] }] }] })
  const markdown = await fetch(`${proxy.url}/__admin/drift?format=markdown`, { headers: bearer })
  t.equal(markdown.headers.get('content-type'), 'text/markdown; charset=utf-8')
  t.equal(await markdown.text(), [
    '## basic-admin-mock proxy: ❌ 1 violation(s), 0 disagreement(s)',
    '',
    `Target \`${JSON.parse(JSON.stringify((await proxy.drift()).target)) as string}\`, 1 exchange(s) since ${(await proxy.drift()).since}, 1 with findings.`,
    '',
    'Findings by kind: response 1.',
    '',
    '### listApiKeys',
    '',
    '| kind | status | where | finding | count |',
    '|---|---|---|---|---|',
    '| response | 200 | /extra | Unexpected property | 1 |',
    ''
  ].join('\n'))
  t.equal((await fetch(`${proxy.url}/__admin/drift?format=xml`, { headers: bearer })).status, 400)
  const stranger = await fetch(`${proxy.url}/__admin/drift`)
  t.equal(stranger.status, 404, 'without the bearer the control plane is not there')
  t.equal(got().length, 1, 'no /__admin request reached the target')
  t.strictSame(proxy.requests({ namespace: 'proxy' }).map(e => e.path), ['/project/proj_demo/key'])

  const plain = await startMockServer({ adminToken: ADMIN })
  t.teardown(() => plain.close())
  const none = await fetch(`${plain.url}/__admin/drift`, { headers: bearer })
  t.equal(none.status, 404)
  t.strictSame(await none.json(), { error: 'Not Found', message: 'This server is no proxy: /__admin/drift reports what basic-admin-mock proxy --target URL found' })
  await t.rejects(plain.drift(), { name: 'TypeError', message: /start the server with the proxy option/ })
})

t.test('findings are bounded: equal ones are one row with a count, new ones past the limit only counted', async t => {
  const findings = createProxyFindings('http://target', 2)
  for (let i = 0; i < 5; i++) findings.track(Promise.resolve([{ operation: 'getApiKey', kind: 'response' as const, status: 200, where: `/p${i}`, message: 'Unexpected property' }]))
  findings.track(Promise.resolve([{ operation: 'getApiKey', kind: 'response' as const, status: 200, where: '/p0', message: 'Unexpected property' }]))
  findings.track(Promise.resolve([{ operation: 'getApiKey', kind: 'response' as const, status: 200, where: '/long', message: 'x'.repeat(1000) }]))
  await findings.settled()
  const report = findings.report()
  t.equal(report.exchanges, 7)
  t.equal(report.counts.response, 7, 'every finding counted')
  t.equal(report.dropped, 4, 'only two rows kept')
  t.strictSame(report.operations[0]!.kinds[0]!.findings.map(f => `${f.where ?? ''} ${f.count}`), ['/p0 2', '/p1 1'])
  const long = createProxyFindings('http://target')
  long.track(Promise.resolve([{ operation: 'x', kind: 'request' as const, status: 400, message: 'y'.repeat(1000) }]))
  await long.settled()
  t.equal(long.report().operations[0]!.kinds[0]!.findings[0]!.message.length, 300, 'a text is cut to 300 characters')
})
