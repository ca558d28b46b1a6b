// The same PATCH over a real listener: what only the wire can show.
import t from 'tap'
import { connect } from 'node:net'
import { build, SECRETS } from '../../../helper.js'
import { WIRE_TIMEOUT_MS } from '../../../wire.js'

async function listen (t: Parameters<typeof build>[0]) {
  const built = await build(t)
  await built.app.listen({ port: 0, host: '127.0.0.1' })
  const address = built.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return { ...built, port: address.port, url: `http://127.0.0.1:${address.port}` }
}

/** A PATCH of key_read as raw bytes: head lines after the request line, then the body as given. */
function rawPatch (port: number, headers: string[], body: string): Promise<string> {
  return raw(port, ['PATCH /project/proj_one/key/key_read HTTP/1.1', 'Host: localhost', 'Connection: close', ...headers, '', body].join('\r\n'))
}

/** Sends raw bytes and returns the raw response (the connection is closed by the request). */
function raw (port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request))
    let data = ''
    socket.setEncoding('utf8').on('data', chunk => { data += chunk }).on('end', () => resolve(data)).on('error', reject)
    socket.setTimeout(WIRE_TIMEOUT_MS, () => socket.destroy(new Error('timeout')))
  })
}

t.test('a PATCH over HTTP answers 200 with JSON and a content length', async t => {
  const { url, row } = await listen(t)
  const res = await fetch(`${url}/project/proj_one/key/key_read`, {
    method: 'PATCH', headers: { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json; charset=utf-8' }, body: '{"label":"Wire"}'
  })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'application/json')
  const body = await res.json()
  t.equal(res.headers.get('content-length'), String(JSON.stringify(body).length))
  t.match(body, { key: { id: 'key_read', label: 'Wire', roles: 'read,app:db:read' } })
  t.equal(row('key_read')?.label, 'Wire')
})

t.test('two Authorization headers are refused as an invalid token, not resolved silently', async t => {
  const { port, row } = await listen(t)
  const body = '{"label":"Twice"}'
  const res = await rawPatch(port, [
    `Authorization: Bearer ${SECRETS.key_admin}`, `Authorization: Bearer ${SECRETS.key_read}`,
    'Content-Type: application/json', `Content-Length: ${body.length}`
  ], body)
  t.match(res, /^HTTP\/1\.1 401 /)
  t.match(res, /www-authenticate: Bearer realm="basic-admin", error="invalid_token"/i)
  t.equal(row('key_read')?.label, 'Read key')
})

t.test('a chunked body over 16 KiB is a 400 naming the limit', async t => {
  const { port, row } = await listen(t)
  const chunk = JSON.stringify({ label: 'x'.repeat(20_000) })
  const res = await rawPatch(port, [
    `Authorization: Bearer ${SECRETS.key_admin}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked'
  ], `${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`)
  t.match(res, /^HTTP\/1\.1 400 /)
  t.match(res, /\{"error":"Bad Request","message":"Request body is larger than 16384 bytes"\}/)
  t.equal(row('key_read')?.label, 'Read key')
})

t.test('a Content-Length that promises more than is sent is a 400', async t => {
  const { port, row } = await listen(t)
  const body = '{"label":"Short"}'
  const res = await rawPatch(port, [
    `Authorization: Bearer ${SECRETS.key_admin}`, 'Content-Type: application/json', `Content-Length: ${body.length - 3}`
  ], body)
  t.match(res, /^HTTP\/1\.1 400 /)
  t.equal(row('key_read')?.label, 'Read key')
})

t.test('headers over Node\'s 16 KiB are a 400 in the contract shape, not a 431', async t => {
  const { port } = await listen(t)
  const res = await raw(port, `PATCH /project/proj_one/key/${'k'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
  t.match(res, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(res, /\r\n\r\n\{"error":"Bad Request","message":"Request headers are larger than 16 KiB"\}$/)
})

t.test('a request Node cannot parse is a 400 in the contract shape', async t => {
  const { port } = await listen(t)
  const res = await raw(port, 'NOT HTTP AT ALL\r\n\r\n')
  t.match(res, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(res, /\{"error":"Bad Request","message":"Malformed HTTP request"\}$/)
})

t.test('an Expect other than 100-continue is the contract\'s 400 naming the header, with a request id, even without credentials', async t => {
  const { port, row } = await listen(t)
  for (const [what, headers] of [
    ['with credentials', [`Authorization: Bearer ${SECRETS.key_admin}`]],
    ['without credentials', []]
  ] as const) {
    const res = await rawPatch(port, [...headers, 'Expect: 200-ok', 'Content-Type: application/json', 'Content-Length: 14'], '{"label":"Ex"}')
    t.match(res, /^HTTP\/1\.1 400 Bad Request\r\n/, what)
    t.match(res, /\r\nx-request-id: [0-9a-f-]{36}\r\n/i, `${what}: named`)
    t.match(res, /\r\n\r\n\{"error":"Bad Request","message":"Expect: only 100-continue is supported \(got \\"200-ok\\"\)"\}$/, what)
  }
  t.equal(row('key_read')?.label, 'Read key')
})

t.test('Expect: 100-continue still works with a client that waits for the 100 before sending the body', async t => {
  const { port, row } = await listen(t)
  const body = '{"label":"Continued"}'
  const answer = await new Promise<string>((resolve, reject) => {
    let data = ''
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(['PATCH /project/proj_one/key/key_read HTTP/1.1', 'Host: localhost', 'Connection: close', `Authorization: Bearer ${SECRETS.key_admin}`,
        'Content-Type: application/json', `Content-Length: ${body.length}`, 'Expect: 100-continue', '', ''].join('\r\n'))
    })
    socket.setEncoding('utf8').on('data', chunk => {
      data += chunk
      if (data === 'HTTP/1.1 100 Continue\r\n\r\n') socket.write(body)
    }).on('end', () => resolve(data)).on('error', reject)
    socket.setTimeout(WIRE_TIMEOUT_MS, () => socket.destroy(new Error(`timeout waiting for the answers; got ${JSON.stringify(data)}`)))
  })
  t.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
  t.equal(row('key_read')?.label, 'Continued')
})

t.test('a Content-Encoding other than identity is a 400 naming the header, and changes nothing', async t => {
  const { port, row } = await listen(t)
  const body = '{"label":"Encoded"}'
  for (const coding of ['gzip', 'deflate', 'br', 'identity, gzip']) {
    const res = await rawPatch(port, [`Authorization: Bearer ${SECRETS.key_admin}`, 'Content-Type: application/json', `Content-Encoding: ${coding}`, `Content-Length: ${body.length}`], body)
    t.match(res, /^HTTP\/1\.1 400 /, coding)
    t.match(res, new RegExp(`\\{"error":"Bad Request","message":"Content-Encoding ${coding.replace(/[,]/g, '\\$&')} is not supported: send the body uncompressed"\\}$`), coding)
  }
  t.equal(row('key_read')?.label, 'Read key')
  const identity = await rawPatch(port, [`Authorization: Bearer ${SECRETS.key_admin}`, 'Content-Type: application/json', 'Content-Encoding: identity', `Content-Length: ${body.length}`], body)
  t.match(identity, /^HTTP\/1\.1 200 /, 'identity is no encoding')
  t.equal(row('key_read')?.label, 'Encoded')
})

t.test('a content type with two charset parameters is a 400, even when both say utf-8', async t => {
  const { port, row } = await listen(t)
  const body = '{"label":"Twice"}'
  for (const type of ['application/json; charset=utf-8; charset=utf-8', 'application/json; charset=utf-8; charset=latin1', 'application/json; charset=latin1; charset=utf-8']) {
    const res = await rawPatch(port, [`Authorization: Bearer ${SECRETS.key_admin}`, `Content-Type: ${type}`, `Content-Length: ${body.length}`], body)
    t.match(res, /^HTTP\/1\.1 400 /, type)
    t.match(res, /\{"error":"Bad Request","message":"Content-Type must name one charset, utf-8 \(got 2\)"\}$/, type)
  }
  t.equal(row('key_read')?.label, 'Read key')
})
