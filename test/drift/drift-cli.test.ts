// `basic-admin-mock drift` as a real process (issue 27 item 2): the markdown report on stdout and in an appended
// file, JSON in another, exit 1 on drift and 0 without; an --accept file; the token in none of the output; an https
// target trusted through NODE_EXTRA_CA_CERTS; and an interrupt in the middle that still deletes the key it made.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { patience } from '../patience.js'
import { runToEnd, type Ran } from '../process/run-to-end.js'
import { withTimeout } from '../process/harness.js'
import { PROJECT, selfSigned, standIn, TOKEN } from './stand-ins.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

const timeout = patience(200)

const run = (t: Test, args: string[], env: Record<string, string> = {}): Promise<Ran> =>
  runToEnd(process.execPath, [CLI, 'drift', '--timeout', String(timeout), ...args], { env: { DRIFT_TOKEN: TOKEN, ...env }, t, timeoutMs: patience(6_000), what: `basic-admin-mock drift ${args.join(' ')}` })

function scratch (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'drift-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('a charset the mock does not send: exit 1, the markdown on stdout and appended to --markdown, JSON in --json, no token anywhere', async t => {
  const target = await standIn(t, (req, _body, _res, forward) => {
    if (req.method !== 'GET' || req.url !== `/project/${PROJECT}/key` || req.headers.authorization !== `Bearer ${TOKEN}`) return false
    forward(undefined, (status, headers, text) => [status, { ...headers, 'content-type': 'application/json; charset=utf-8' }, text])
    return true
  })
  const dir = scratch(t)
  const summary = join(dir, 'summary.md')
  writeFileSync(summary, '# earlier step\n')
  const ran = await run(t, ['--target', target.url, '--project', PROJECT, '--markdown', summary, '--json', join(dir, 'drift.json')])
  t.equal(ran.code, 1, ran.stderr)
  t.equal(ran.stderr, '')
  t.match(ran.stdout, /^## basic-admin-mock drift: ❌ 1 difference\(s\)\n/)
  t.match(ran.stdout, '| list-keys | header | content-type | "application/json; charset=utf-8" | "application/json" | `list-keys:header:content-type` |')
  t.equal(readFileSync(summary, 'utf8'), `# earlier step\n${ran.stdout}`, 'appended, as $GITHUB_STEP_SUMMARY wants')
  const json = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8')) as { ok: boolean, findings: Array<{ id: string }> }
  t.equal(json.ok, false)
  t.strictSame(json.findings.map(f => f.id), ['list-keys:header:content-type'])
  for (const text of [ran.stdout, ran.stderr, readFileSync(join(dir, 'drift.json'), 'utf8')]) t.notMatch(text, TOKEN)
  t.notMatch(JSON.stringify(target.inner.requests()), TOKEN, 'nor in the journal of the service it ran against')

  const accept = join(dir, 'accept.txt')
  writeFileSync(accept, '# the real service names the charset\nlist-keys:header:content-type\n\n')
  const accepted = await run(t, ['--target', target.url, '--project', PROJECT, '--accept', accept, '--format', 'json'])
  t.equal(accepted.code, 0, accepted.stderr)
  t.strictSame((JSON.parse(accepted.stdout) as { accepted: Array<{ id: string }> }).accepted.map(f => f.id), ['list-keys:header:content-type'])
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'])
})

t.test('an https target with a self-signed certificate, trusted through NODE_EXTRA_CA_CERTS or --ca: exit 0', async t => {
  const tls = selfSigned(t)
  const target = await standIn(t, undefined, tls)
  const viaEnv = await run(t, ['--target', target.url, '--project', PROJECT], { NODE_EXTRA_CA_CERTS: tls.cert })
  t.equal(viaEnv.code, 0, viaEnv.stdout + viaEnv.stderr)
  t.match(viaEnv.stdout, /^## basic-admin-mock drift: ✅ no drift\n/)
  const viaFlag = await run(t, ['--target', target.url, '--project', PROJECT, '--ca', tls.cert])
  t.equal(viaFlag.code, 0, viaFlag.stdout + viaFlag.stderr)
})

t.test('bad use is one line and exit 1: no target, no token, a --ca file that is not there', async t => {
  t.strictSame(await run(t, ['--project', PROJECT]), { code: 1, signal: null, stdout: '', stderr: 'basic-admin-mock: --target is required: the real service, e.g. --target https://api.basic.tech\n' })
  t.strictSame(await run(t, ['--target', 'http://127.0.0.1:9', '--project', PROJECT], { DRIFT_TOKEN: '' }), { code: 1, signal: null, stdout: '', stderr: 'basic-admin-mock: drift needs an admin API key of the project: set DRIFT_TOKEN in the environment (or --token)\n' })
  t.strictSame(await run(t, ['--target', 'http://127.0.0.1:9', '--project', PROJECT, '--ca', '/nonexistent.pem']), { code: 1, signal: null, stdout: '', stderr: 'basic-admin-mock: --ca "/nonexistent.pem": ENOENT\n' })
})

t.test('interrupted while a step waits on the target: the run stops, deletes the key it created, reports, and exits 130', async t => {
  let held: (() => void) | undefined
  const holding = new Promise<void>(resolve => { held = resolve })
  const target = await standIn(t, (req) => {
    // The first PATCH is never answered: the run is in the middle when the signal comes.
    if (req.method !== 'PATCH') return false
    held!()
    return true
  })
  const child = spawn(process.execPath, [CLI, 'drift', '--target', target.url, '--project', PROJECT, '--timeout', String(patience(6_000))], { env: { PATH: process.env.PATH, DRIFT_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
  // Bounded, and a run that ends before its first PATCH (a step that failed first) says so with what it printed,
  // instead of holding the suite until tap's own limit.
  const ended = exited.then(code => { throw new Error(`drift exited ${String(code)} before its first PATCH reached the target: ${stdout} ${stderr}`) })
  await withTimeout(Promise.race([holding, ended]), patience(6_000), () => `the drift run's first PATCH at the target (stdout so far: ${stdout})`)
  t.equal((await target.keyIds()).length, 3, 'the run created its key')
  child.kill('SIGINT')
  t.equal(await withTimeout(exited, patience(3_000), () => `drift to stop after SIGINT (stdout so far: ${stdout})`), 130)
  t.match(stdout, /^## basic-admin-mock drift: ⚠️ interrupted\n/)
  t.match(stdout, /- deleted key \S+ \(200\)/)
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'], 'nothing of the run is left on the target')
})
