// HTTPS in-process (startMockServer): real TLS clients that verify the certificate, as a consumer's SDK would.
import t from 'tap'
import { X509Certificate } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { Agent, fetch as undiciFetch } from 'undici'
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/index.js'
import { generateKeyPairSync } from 'node:crypto'
import { patience } from '../patience.js'

type Tap = { teardown: (fn: () => unknown) => void }

async function start (t: Tap, options: MockServerOptions): Promise<MockServer> {
  const mock = await startMockServer(options)
  t.teardown(() => mock.close())
  return mock
}

/** GET through node:https with this CA, connecting to 127.0.0.1 and checking the certificate against servername. */
function httpsGet (url: string, ca: string, servername?: string): Promise<{ status: number, body: string }> {
  const { hostname, port, pathname } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: pathname, ca, servername, agent: false, timeout: patience(1_000) }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in time`)))
    req.on('error', reject).end()
  })
}

t.test('https: true serves HTTPS alone with a certificate a client trusts by its PEM: fetch renames a key', async t => {
  const mock = await start(t, { https: true })
  t.match(mock.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  t.equal(mock.httpsUrl, mock.url)
  const { pem, path, fingerprint } = mock.certificate!
  t.equal(readFileSync(path, 'utf8'), pem, 'the file holds the certificate')
  const x509 = new X509Certificate(pem)
  t.equal(fingerprint, x509.fingerprint256)
  t.equal(x509.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1')
  t.equal(x509.ca, false, 'a leaf certificate, not a CA')

  const dispatcher = new Agent({ connect: { ca: pem } })
  t.teardown(() => dispatcher.close())
  const res = await undiciFetch(`${mock.url}/project/proj_demo/key/key_demo`, {
    method: 'PATCH',
    dispatcher,
    headers: { authorization: `Bearer ${mock.token('user_demo')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Over TLS' }),
    signal: AbortSignal.timeout(patience(1_000))
  })
  const body = await res.json() as { key: { updated_at: string } }
  t.equal(res.status, 200)
  t.strictSame(body, { key: { id: 'key_demo', label: 'Over TLS', roles: 'admin', updated_at: body.key.updated_at } })
  t.match(mock.requests({ method: 'PATCH' }), [{ path: '/project/proj_demo/key/key_demo', status: 200 }], 'the journal has it')

  // Node's own fetch trusts only the public CAs: the handshake is refused, the request never sent.
  const refused = await fetch(`${mock.url}/health`, { signal: AbortSignal.timeout(patience(1_000)) }).then(() => undefined, (error: Error & { cause?: { code?: string } }) => error.cause?.code)
  t.equal(refused, 'DEPTH_ZERO_SELF_SIGNED_CERT')
  await mock.close()
  t.notOk(existsSync(path), 'the generated certificate goes with the server')
})

t.test('httpsPort adds HTTPS beside plain HTTP; a host name the certificate lacks is a refused handshake', async t => {
  const mock = await start(t, { https: ['localhost'], httpsPort: 0 })
  t.match(mock.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.match(mock.httpsUrl, /^https:\/\/127\.0\.0\.1:\d+$/)
  t.not(mock.httpsUrl, mock.url.replace('http:', 'https:'), 'two ports')
  const plain = await fetch(`${mock.url}/health`, { signal: AbortSignal.timeout(patience(1_000)) })
  t.strictSame([plain.status, await plain.json()], [200, { status: 'ok' }])
  const ca = mock.certificate!.pem
  t.strictSame(await httpsGet(`${mock.httpsUrl!}/health`, ca, 'localhost'), { status: 200, body: '{"status":"ok"}' })
  const wrongName = await httpsGet(`${mock.httpsUrl!}/health`, ca).then(() => undefined, (error: NodeJS.ErrnoException) => [error.code, error.message])
  t.strictSame(wrongName, ['ERR_TLS_CERT_ALTNAME_INVALID', 'Hostname/IP does not match certificate\'s altnames: IP: 127.0.0.1 is not in the cert\'s list: '])
  t.strictSame(await httpsGet(`${mock.httpsUrl!}/health`, ca, 'localhost'), { status: 200, body: '{"status":"ok"}' }, 'the server goes on')
  t.equal(mock.count({ path: '/health' }), 3, 'both ports feed one journal')
})

t.test('a certificate file that cannot be used stops the start with the setting to fix', async t => {
  const dir = t.testdir()
  const mock = await start(t, { https: ['localhost'] })
  const cert = join(dir, 'cert.pem')
  writeFileSync(cert, mock.certificate!.pem)
  const otherKey = join(dir, 'other-key.pem')
  writeFileSync(otherKey, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))
  const notPem = join(dir, 'not.pem')
  writeFileSync(notPem, 'hello\n')
  const missing = join(dir, 'missing.pem')
  await t.rejects(startMockServer({ tlsCert: missing, tlsKey: otherKey }), { message: `TLS_CERT ${missing} cannot be read (ENOENT): set TLS_CERT to a readable PEM file` })
  await t.rejects(startMockServer({ tlsCert: cert, tlsKey: missing }), { message: `TLS_KEY ${missing} cannot be read (ENOENT): set TLS_KEY to a readable PEM file` })
  await t.rejects(startMockServer({ tlsCert: cert, tlsKey: otherKey }), { message: `TLS_KEY ${otherKey} is not the private key of the certificate TLS_CERT ${cert}: set TLS_CERT and TLS_KEY to one pair` })
  await t.rejects(startMockServer({ tlsCert: notPem, tlsKey: otherKey }), { message: `TLS_CERT ${notPem} is not a PEM certificate (-----BEGIN CERTIFICATE-----): set TLS_CERT to the certificate, TLS_KEY to its private key` })
  await t.rejects(startMockServer({ tlsCert: cert, tlsKey: notPem }), { message: `TLS_KEY ${notPem} is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----): set TLS_KEY to the certificate's private key` })
  await t.rejects(startMockServer({ tlsCert: cert }), { message: 'invalid setting TLS_CERT: needs TLS_KEY too (the certificate and its private key), or set HTTPS to host names for a generated certificate' })
  await t.rejects(startMockServer({ httpsPort: 0 }), { message: 'invalid setting HTTPS_PORT: HTTPS needs a certificate: set HTTPS to host names (a generated one) or TLS_CERT and TLS_KEY' })
  await t.rejects(startMockServer({ https: ['local host'] }), { message: 'invalid setting HTTPS: must be the certificate\'s host names, comma-separated DNS names or IP addresses such as localhost,127.0.0.1 (got "local host")' })
  await t.rejects(startMockServer({ https: 'localhost' as unknown as string[] }), new TypeError('https must be true or a list of host names such as [\'localhost\', \'127.0.0.1\'] (got "localhost")'))
})
