// Every JSON answer says `Content-Type: application/json`, exactly (RFC 8259 registers no charset parameter; Dredd
// and other strict validators compare the media type byte for byte), whatever wrote it: a route, the control plane,
// Fastify's own 404 and 400, a fault, or the bytes the server writes on the socket itself. Read off the wire.
import t, { type Test } from 'tap'
import { connect } from 'node:net'
import { ADMIN_TOKEN } from '../answers.js'
import { bearer, SECRETS } from '../helper.js'
import { patience } from '../patience.js'
import { listen, requestBytes } from '../wire.js'

const ADMIN = bearer(ADMIN_TOKEN)
const KEY = bearer(SECRETS.key_admin)
const JSON_BODY = { 'content-type': 'application/json' }

/** The bytes of a whole exchange on its own connection: the request, then everything until the server closes. */
function rawExchange (port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let raw = ''
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no end of the answer within the time allowed; got ${JSON.stringify(raw.slice(0, 200))}`)) }, patience(2_000))
    socket.on('data', (chunk: Buffer) => { raw += chunk.toString('latin1') })
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(timer); resolve(raw) })
    socket.write(bytes)
  })
}

/** One request with `Connection: close`, its answer's status line and head as they came. */
async function head (port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number, lines: string[] }> {
  const raw = await rawExchange(port, requestBytes(method, path, { ...headers, Connection: 'close' }, body))
  const [statusLine = '', ...lines] = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n')
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]), lines }
}

/** The Content-Type lines of a head, byte for byte: exactly one, `application/json` and nothing after it. */
function assertJsonType (t: Test, answer: { status: number, lines: string[] }, status: number, what: string): void {
  t.equal(answer.status, status, `${what}: ${status}`)
  t.strictSame(answer.lines.filter(line => /^content-type:/i.test(line)).map(line => line.replace(/^content-type/i, 'Content-Type')), ['Content-Type: application/json'], `${what}: the content type, byte for byte`)
}

t.test('every status class, from every part of the server, says Content-Type: application/json exactly', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const patch = (key: string, body: string, headers: Record<string, string> = KEY): Promise<{ status: number, lines: string[] }> =>
    head(l.port, 'PATCH', `/project/proj_one/key/${key}`, { ...headers, ...JSON_BODY }, body)
  const cases: Array<[string, number, () => Promise<{ status: number, lines: string[] }>]> = [
    ['the PATCH', 200, () => patch('key_read', '{"label":"Typed"}')],
    ['a HEAD of a GET route', 200, () => head(l.port, 'HEAD', '/health')],
    ['/ready', 200, () => head(l.port, 'GET', '/ready')],
    ['/openapi.json', 200, () => head(l.port, 'GET', '/openapi.json')],
    ["Swagger UI's document", 200, () => head(l.port, 'GET', '/docs/json')],
    ['the JWKS', 200, () => head(l.port, 'GET', '/auth/.well-known/jwks.json')],
    ['the control plane', 200, () => head(l.port, 'GET', '/__admin/requests', ADMIN)],
    ['a reset', 200, () => head(l.port, 'POST', '/__admin/reset', ADMIN)],
    ['a body that is not JSON', 400, () => patch('key_read', '{"label":')],
    ['a schema refusal', 400, () => patch('key_read', '{"label":1}')],
    ["Fastify's own 400 (a body shorter than its Content-Length)", 400, () => head(l.port, 'PATCH', '/project/proj_one/key/key_read', { ...KEY, ...JSON_BODY, 'Content-Length': '2' }, '{"label":"x"}')],
    ['no credentials', 401, () => patch('key_read', '{"label":"x"}', {})],
    ['a missing key', 404, () => patch('key_missing', '{"label":"x"}')],
    ["Fastify's unknown-route 404", 404, () => head(l.port, 'GET', '/nowhere')],
    ['a URL that cannot be decoded', 404, () => head(l.port, 'GET', '/project/%zz/key')],
    ['the control plane to a stranger', 404, () => head(l.port, 'POST', '/__admin/reset')],
    ['a known path with another method', 405, () => head(l.port, 'PUT', '/project/proj_one/key/key_read', KEY)]
  ]
  for (const [what, status, send] of cases) assertJsonType(t, await send(), status, what)
})

t.test('faults: an injected status and a truncated body say application/json too', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const fault = async (rule: object): Promise<void> => {
    const res = await l.app.inject({ method: 'POST', url: '/__admin/faults', headers: ADMIN, payload: rule })
    t.equal(res.statusCode, 200, `the rule is taken: ${res.body}`)
  }
  await fault({ operation: 'getApiKey', status: 503, times: 1 })
  assertJsonType(t, await head(l.port, 'GET', '/project/proj_one/key/key_read', KEY), 503, 'an injected 503')
  await fault({ operation: 'getApiKey', drop: 'truncate', times: 1 })
  // The truncated answer is written on the socket by the server itself, then the connection ends.
  const raw = await rawExchange(l.port, requestBytes('GET', '/project/proj_one/key/key_read', { ...KEY, Connection: 'close' }))
  assertJsonType(t, { status: Number(raw.slice(9, 12)), lines: raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n').slice(1) }, 200, 'a truncated answer')
})

t.test('a genuine fault (500) says application/json', async t => {
  const l = await listen(t)
  l.app.world.db.prepare('DROP TABLE api_keys').run()
  assertJsonType(t, await head(l.port, 'PATCH', '/project/proj_one/key/key_read', { ...KEY, ...JSON_BODY }, '{"label":"x"}'), 500, 'a broken database')
})

t.test('the 400s the server writes on the socket before Fastify sees a request say application/json', async t => {
  const l = await listen(t)
  const raws = [
    ['headers over 16 KiB', requestBytes('GET', '/health', { 'x-pad': 'x'.repeat(17 * 1024) })],
    ['a request line that is not HTTP', 'NOT HTTP AT ALL\r\n\r\n']
  ] as const
  for (const [what, bytes] of raws) {
    const raw = await rawExchange(l.port, bytes)
    const [statusLine = '', ...lines] = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n')
    t.equal(statusLine, 'HTTP/1.1 400 Bad Request', what)
    assertJsonType(t, { status: 400, lines }, 400, what)
  }
})
