// HTTPS from the command line: the real process, certificates made by openssl, and curl verifying them (--cacert).
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { readRecipe } from '../../scripts/recipes.mjs'
import { runToEnd } from '../process/run-to-end.js'
import { CLI } from '../process/harness.js'
import { promisify } from 'node:util'
import { DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { spawnCli, withTimeout, type Server, type Tap } from '../process/harness.js'
import { connect, createServer } from 'node:net'
import { once } from 'node:events'
import { HANDSHAKE_TIMEOUT_MS } from '../../src/settings/tls.js'
import { patience } from '../patience.js'

const run = promisify(execFile)

/** curl's exit code and stdout; curl verifies the certificate against --cacert and the URL's host name. */
async function curl (args: string[]): Promise<{ code: number, stdout: string }> {
  try {
    const { stdout } = await run('curl', ['--silent', '--show-error', '--max-time', String(Math.ceil(patience(2_000) / 1000)), ...args])
    return { code: 0, stdout }
  } catch (error) {
    return { code: (error as { code: number }).code, stdout: (error as { stdout: string }).stdout }
  }
}

/** openssl's self-signed pair for these subject alternative names, as a team would make one. */
async function opensslPair (dir: string, name: string, san: string): Promise<{ cert: string, key: string }> {
  const cert = join(dir, `${name}-cert.pem`)
  const key = join(dir, `${name}-key.pem`)
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', `subjectAltName=${san}`])
  return { cert, key }
}

async function serve (t: Tap, env: Record<string, string>, args: string[] = []): Promise<{ server: Server, banner: string, certificate: string }> {
  const server = spawnCli(t, ['serve', ...args], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATABASE_PATH: ':memory:', ...env })
  const banner = await server.waitForLine(line => line.startsWith('basic-admin-mock listening on '), 'the listening banner')
  const certificate = await server.waitForLine(line => line.startsWith('certificate '), 'the certificate line')
  return { server, banner, certificate }
}

t.test('TLS_CERT and TLS_KEY from openssl, HTTPS_PORT beside PORT: curl --cacert verifies it, a wrong host name is refused', async t => {
  const dir = t.testdir()
  const { cert, key } = await opensslPair(dir, 'team', 'DNS:localhost,IP:127.0.0.1')
  const { server, banner, certificate } = await serve(t, { TLS_CERT: cert, TLS_KEY: key, HTTPS_PORT: '0' })
  const urls = /^basic-admin-mock listening on (http:\/\/127\.0\.0\.1:\d+) and (https:\/\/127\.0\.0\.1:(\d+)) \(database :memory:; /.exec(banner)
  t.ok(urls, banner)
  const [, http, https, port] = urls!
  const { stdout: fingerprint } = await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', cert])
  t.equal(certificate, `certificate ${cert} (TLS_CERT; SHA-256 fingerprint ${fingerprint.trim().split('=')[1]}): trust it with curl --cacert ${cert}, or NODE_EXTRA_CA_CERTS=${cert} for Node`)
  t.strictSame(await curl([`${http!}/health`]), { code: 0, stdout: '{"status":"ok"}' }, 'plain HTTP on PORT')
  t.strictSame(await curl(['--cacert', cert, `${https!}/health`]), { code: 0, stdout: '{"status":"ok"}' }, 'HTTPS on HTTPS_PORT')
  // 60: the peer certificate cannot be authenticated with the known CA certificates (curl's man page).
  t.strictSame(await curl([`${https!}/health`]), { code: 60, stdout: '' }, 'not trusted without --cacert')
  t.strictSame(await curl(['--cacert', cert, '--resolve', `wrong.test:${port!}:127.0.0.1`, `https://wrong.test:${port!}/health`]), { code: 60, stdout: '' }, 'a host name the certificate lacks')
  const patched = await curl(['--cacert', cert, '-X', 'PATCH', '-H', `Authorization: Bearer ${DEMO_KEY_SECRET}`, '-H', 'Content-Type: application/json', '--data', '{"label":"Over curl"}', `${https!}/project/proj_demo/key/key_demo`])
  t.equal(patched.code, 0)
  t.match(JSON.parse(patched.stdout), { key: { id: 'key_demo', label: 'Over curl', roles: 'admin' } })
  server.child.kill('SIGTERM')
  t.strictSame(await server.waitForExit(), { code: 0, signal: null }, 'stops cleanly with both listeners')
  t.ok(existsSync(cert), 'TLS_CERT is the team\'s own file: left alone')
})

t.test('--https makes a certificate for the names given, named in the banner and gone after the stop', async t => {
  const { server, banner, certificate } = await serve(t, {}, ['--https', 'localhost,127.0.0.1'])
  const url = /^basic-admin-mock listening on (https:\/\/127\.0\.0\.1:\d+) \(database :memory:; /.exec(banner)?.[1]
  t.ok(url, banner)
  const made = /^certificate (\/\S+\/cert\.pem) \(generated for localhost,127\.0\.0\.1; SHA-256 fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\): trust it with curl --cacert \1, or NODE_EXTRA_CA_CERTS=\1 for Node$/.exec(certificate)
  t.ok(made, certificate)
  const [, path, fingerprint] = made!
  const { stdout } = await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', path!])
  t.equal(stdout.trim(), `sha256 Fingerprint=${fingerprint!}`, 'the banner\'s fingerprint is the file\'s')
  t.strictSame(await curl(['--cacert', path!, `${url!}/health`]), { code: 0, stdout: '{"status":"ok"}' })
  // 52 (empty reply) or 56 (reset), as the TLS alert meets curl's request: either way no answer in plain HTTP.
  const plain = await curl([`${url!.replace('https:', 'http:')}/health`])
  t.ok([52, 56].includes(plain.code) && plain.stdout === '', `HTTPS alone on PORT: plain HTTP gets no answer (curl exit ${plain.code})`)
  server.child.kill('SIGTERM')
  t.strictSame(await server.waitForExit(), { code: 0, signal: null })
  t.notOk(existsSync(path!), 'the generated certificate is deleted at the stop')
})

t.test('a client that connects and never starts its TLS handshake is dropped after HANDSHAKE_TIMEOUT_MS, on PORT and on HTTPS_PORT', async t => {
  t.equal(HANDSHAKE_TIMEOUT_MS, 10_000, 'as long as a request\'s head may take (headersTimeout), not Node\'s 120 s')
  const alone = await serve(t, {}, ['--https', 'localhost,127.0.0.1'])
  const beside = await serve(t, { HTTPS_PORT: '0' }, ['--https', 'localhost,127.0.0.1'])
  const ports = [/https:\/\/127\.0\.0\.1:(\d+)/.exec(alone.banner)![1]!, /https:\/\/127\.0\.0\.1:(\d+)/.exec(beside.banner)![1]!]
  await Promise.all(ports.map(async port => {
    const socket = connect(Number(port), '127.0.0.1')
    await once(socket, 'connect')
    // Silent: no ClientHello. Before, the server held such a socket for Node's default of 120 s.
    await withTimeout(once(socket, 'close'), HANDSHAKE_TIMEOUT_MS + patience(1_000), `the server to close a silent connection to port ${port}`)
    t.pass(`port ${port} closed the silent connection`)
  }))
  for (const { server } of [alone, beside]) {
    server.child.kill('SIGTERM')
    t.strictSame(await server.waitForExit(), { code: 0, signal: null })
  }
})

t.test('a certificate that cannot be used stops the start with one line naming the setting', async t => {
  const dir = t.testdir()
  const team = await opensslPair(dir, 'team', 'DNS:localhost')
  const other = await opensslPair(dir, 'other', 'DNS:localhost')
  const missing = join(dir, 'missing.pem')
  const cases: Array<[Record<string, string>, string]> = [
    [{ TLS_CERT: missing, TLS_KEY: team.key }, `TLS_CERT ${missing} cannot be read (ENOENT): set TLS_CERT to a readable PEM file`],
    [{ TLS_CERT: team.cert, TLS_KEY: dir }, `TLS_KEY ${dir} cannot be read (EISDIR): set TLS_KEY to a readable PEM file`],
    [{ TLS_CERT: team.cert, TLS_KEY: other.key }, `TLS_KEY ${other.key} is not the private key of the certificate TLS_CERT ${team.cert}: set TLS_CERT and TLS_KEY to one pair`],
    [{ TLS_CERT: team.key, TLS_KEY: team.key }, `TLS_CERT ${team.key} is not a PEM certificate (-----BEGIN CERTIFICATE-----): set TLS_CERT to the certificate, TLS_KEY to its private key`],
    [{ TLS_KEY: team.key }, 'invalid setting TLS_KEY: needs TLS_CERT too (the certificate and its private key), or set HTTPS to host names for a generated certificate'],
    [{ HTTPS: 'localhost', TLS_CERT: team.cert, TLS_KEY: team.key }, 'invalid setting HTTPS: TLS_CERT and TLS_KEY already give the certificate; set either HTTPS (a generated one) or TLS_CERT and TLS_KEY'],
    [{ HTTPS: 'localhost', PORT: '3443', HTTPS_PORT: '3443' }, 'invalid setting HTTPS_PORT: 3443 is PORT too; give HTTPS another port, or unset HTTPS_PORT for HTTPS alone on PORT']
  ]
  for (const [env, message] of cases) {
    const server = spawnCli(t, ['serve'], { HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: ':memory:', ...env })
    t.strictSame(await server.waitForExit(), { code: 1, signal: null }, JSON.stringify(env))
    t.equal(server.stderr(), `basic-admin-mock: ${message}\n`, JSON.stringify(env))
    t.strictSame(server.lines, [], 'never listened')
  }
})

t.test('docs/https.md\'s recipe runs as written: curl --cacert with the banner\'s certificate', async t => {
  // A project where the package is installed: npx finds its bin there, as after npm install.
  const project = t.testdir({ 'package.json': '{ "name": "consumer", "private": true }' })
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true })
  const bin = join(project, 'node_modules', '.bin', 'basic-admin-mock')
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`)
  chmodSync(bin, 0o755)
  const ran = await runToEnd('bash', ['-eo', 'pipefail', '-c', readRecipe(packageRoot, 'https-curl')], { cwd: project, env: { HOME: project, PORT: '0', npm_config_update_notifier: 'false' }, timeoutMs: patience(10_000), what: 'the https-curl recipe' })
  t.equal(ran.code, 0, ran.stderr)
  t.equal(ran.stdout, '{"status":"ok"}\n', 'what the recipe shows')
  // A server that cannot start (its port taken) ends the recipe's wait, and the recipe fails with the server's line.
  const holder = createServer()
  await new Promise<void>(resolve => holder.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { holder.close() })
  const port = String((holder.address() as { port: number }).port)
  const failed = await runToEnd('bash', ['-eo', 'pipefail', '-c', readRecipe(packageRoot, 'https-curl')], { cwd: project, env: { HOME: project, PORT: port, HOST: '127.0.0.1', npm_config_update_notifier: 'false' }, timeoutMs: patience(10_000), what: 'the https-curl recipe, its port taken', t })
  t.not(failed.code, 0, 'the recipe fails instead of waiting for good')
  t.match(failed.stderr, new RegExp(`^basic-admin-mock: .*${port}`, 'm'), 'with the server\'s own one-line error')
  t.equal(failed.stdout.trim(), '', 'no answer shown (curl, given no URL, prints only its -w newline)')
})
