// `basic-admin-mock proxy` and `drift-report` as real processes: the proxy forwards to an HTTPS stand-in it trusts
// with --ca, drift-report prints its report and exits 1 on what --fail-on names, bad use is one line and exit 1.
import t from 'tap'
import { startMockServer } from '../../src/mock-server.js'
import { runCli, spawnCli } from '../process/harness.js'
import { patience } from '../patience.js'
import { PROJECT, selfSigned, standIn, TOKEN } from '../drift/stand-ins.js'

const ADMIN = 'proxy-cli-admin-token-0123456789'

t.test('proxy with --ca forwards to an HTTPS target; drift-report gives the report, and --fail-on decides the exit', async t => {
  const tls = selfSigned(t)
  const target = await standIn(t, (req, _body, _res, forward) => {
    if (req.method !== 'GET' || req.headers.authorization !== `Bearer ${TOKEN}`) return false
    forward(undefined, (status, headers, text) => [status, { ...headers, 'content-type': 'application/json; charset=utf-8' }, text])
    return true
  }, tls)
  const proxy = spawnCli(t, ['proxy', '--target', target.url, '--ca', tls.cert, '--port', '0', '--timeout', String(patience(500))], { ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent' })
  const banner = await proxy.waitForLine(line => line.startsWith('basic-admin-mock proxy on '), 'the proxy banner', patience(3_000))
  const url = /^basic-admin-mock proxy on (http:\/\/127\.0\.0\.1:\d+), forwarding to (.+)$/.exec(banner)
  t.ok(url, banner)
  t.equal(url![2], target.url)
  const res = await fetch(`${url![1]}/project/${PROJECT}/key`, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', 'the target\'s header, unchanged')

  const env = { BASIC_ADMIN_TOKEN: ADMIN }
  const markdown = await runCli(t, ['drift-report', '--url', url![1]!], env)
  t.equal(markdown.code, 0, markdown.stderr)
  t.match(markdown.stdout, /^## basic-admin-mock proxy: ❌ 0 violation\(s\), 1 disagreement\(s\)\n/)
  t.match(markdown.stdout, '| disagreement | 200 | content-type | real service: content-type application/json; charset=utf-8; mock: application/json | 1 |')
  const violations = await runCli(t, ['drift-report', '--url', url![1]!, '--fail-on', 'violations', '--format', 'json'], env)
  t.equal(violations.code, 0, 'no violation: exit 0')
  t.match(JSON.parse(violations.stdout), { exchanges: 1, violations: 0, disagreements: 1 })
  const disagreements = await runCli(t, ['drift-report', '--url', url![1]!, '--fail-on', 'disagreements'], env)
  t.equal(disagreements.code, 1, 'a disagreement: exit 1')
  t.notMatch(markdown.stdout + violations.stdout, TOKEN)

  const wrongToken = await runCli(t, ['drift-report', '--url', url![1]!], { BASIC_ADMIN_TOKEN: 'not-the-token-0123456789' })
  t.equal(wrongToken.code, 1)
  t.match(wrongToken.stderr, /answered 404 to \/__admin\/drift: it is no proxy, or has no control plane for this token/)

  proxy.child.kill('SIGTERM')
  t.strictSame(await proxy.waitForExit(patience(2_000)), { code: 0, signal: null }, 'SIGTERM ends it cleanly')

  // NODE_EXTRA_CA_CERTS instead of --ca.
  const extra = spawnCli(t, ['proxy', '--target', target.url, '--port', '0'], { ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent', NODE_EXTRA_CA_CERTS: tls.cert })
  const extraUrl = /^basic-admin-mock proxy on (\S+),/.exec(await extra.waitForLine(line => line.startsWith('basic-admin-mock proxy on '), 'the second proxy\'s banner', patience(3_000)))![1]!
  t.equal((await fetch(`${extraUrl}/project/${PROJECT}/key`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200, 'trusted through NODE_EXTRA_CA_CERTS')
  extra.child.kill('SIGTERM')
  t.strictSame(await extra.waitForExit(patience(2_000)), { code: 0, signal: null })
})

t.test('bad use is one line on stderr and exit 1', async t => {
  const mirror = await startMockServer()
  t.teardown(() => mirror.close())
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['proxy'], {}, /^basic-admin-mock: --target is required: the real service, e.g. --target https:\/\/api\.basic\.tech\n$/],
    [['proxy', '--target', mirror.url, '--port', '0'], {}, /^basic-admin-mock: the proxy target http:\/\/127\.0\.0\.1:\d+ is a basic-admin-mock server .*proves nothing; give the real service's address\n$/],
    [['proxy', '--target', 'http://127.0.0.1:1', '--timeout', 'soon'], {}, /^basic-admin-mock: --timeout must be a whole number \(got "soon"\)\n$/],
    [['proxy', '--target', 'http://127.0.0.1:1', '--ca', '/nonexistent.pem'], {}, /^basic-admin-mock: --ca "\/nonexistent\.pem": ENOENT\n$/],
    [['proxy', '--colour'], {}, /^basic-admin-mock: Unknown option '--colour': basic-admin-mock proxy --help lists every option\n$/],
    [['drift-report', '--url', 'http://127.0.0.1:1'], {}, /^basic-admin-mock: drift-report reads the control plane: set BASIC_ADMIN_TOKEN/],
    [['drift-report', '--url', 'http://127.0.0.1:1', '--fail-on', 'warnings'], { BASIC_ADMIN_TOKEN: ADMIN }, /^basic-admin-mock: --fail-on must be violations or disagreements \(got "warnings"\)\n$/],
    [['drift-report', '--url', 'http://user:pw@127.0.0.1:1'], { BASIC_ADMIN_TOKEN: ADMIN }, /^basic-admin-mock: --url must be the proxy's http\(s\) address, e\.g\. http:\/\/127\.0\.0\.1:3003, with no user:password@ \(got "http:\/\/\[hidden\]@127\.0\.0\.1:1"\)\n$/],
    [['drift-report', '--url', 'http://127.0.0.1:1'], { BASIC_ADMIN_TOKEN: ADMIN }, /^basic-admin-mock: http:\/\/127\.0\.0\.1:1: cannot reach http:\/\/127\.0\.0\.1:1: ECONNREFUSED\n$/]
  ]
  for (const [args, env, stderr] of cases) {
    const ran = await runCli(t, args, env)
    t.equal(ran.code, 1, args.join(' '))
    t.match(ran.stderr, stderr, args.join(' '))
    t.equal(ran.stdout, '')
  }
  const help = await runCli(t, ['drift-report', '--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: basic-admin-mock drift-report --url URL/)
})
