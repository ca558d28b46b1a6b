// `basic-admin-mock coverage` as a CI step runs it: the built bin, a real process, against a server on a real
// listener; what it prints in each format and when it exits 1.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'junit2json'
import { CoverageError, coverageCommand } from '../src/cli/coverage-command.js'
import { packageRoot } from '../src/paths.js'
import { ADMIN_TOKEN } from './answers.js'
import { bearer, SECRETS } from './helper.js'
import { patience } from './patience.js'
import { runToEnd, type Ran } from './process/run-to-end.js'
import { listen } from './wire.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

// Each test runs its own server and processes, which mostly wait: they can run side by side.
t.jobs = 4

/** Runs `basic-admin-mock coverage ...` to completion with exactly this env (plus PATH). */
const coverage = (args: string[], env: Record<string, string> = { ADMIN_TOKEN }): Promise<Ran> =>
  runToEnd(process.execPath, [CLI, 'coverage', ...args], { env, timeoutMs: patience(1_500), what: `basic-admin-mock coverage ${args.join(' ')}` })

/** A server whose PATCH answered 200 twice and 401 once, and nothing else. */
async function exercised (t: Test) {
  const server = await listen(t, { config: { ADMIN_TOKEN } })
  const patch = async (headers: Record<string, string>): Promise<number> => {
    const res = await fetch(`${server.url}/project/proj_one/key/key_read`, { method: 'PATCH', headers: { ...headers, 'content-type': 'application/json' }, body: '{"label":"x"}', signal: AbortSignal.timeout(patience(2_000)) })
    await res.arrayBuffer()
    return res.status
  }
  t.equal(await patch(bearer(SECRETS.key_admin)), 200)
  t.equal(await patch(bearer(SECRETS.key_admin)), 200)
  t.equal(await patch({}), 401)
  return server
}

t.test('prints each format of the server\'s report and exits 0 without requirements', async t => {
  const { url } = await exercised(t)
  const report = await (await fetch(`${url}/__admin/coverage`, { headers: bearer(ADMIN_TOKEN) })).json() as { total: number, since: string }
  const text = await coverage(['--url', url])
  t.strictSame({ code: text.code, stderr: text.stderr }, { code: 0, stderr: '' })
  t.match(text.stdout, `Contract coverage: 2 of ${report.total} cases (2.8%), namespace default, since ${report.since}\n`)
  t.match(text.stdout, /\nupdateApiKey {2}PATCH \/project\/\{id\}\/key\/\{key_id\}\n {2}200 +2\n/)
  t.match(text.stdout, /\n {2}401 missing-credentials +1\n {2}401 unknown-credential +0 {2}never\n/)

  const markdown = await coverage(['--url', `${url}/`, '--format', 'markdown'])
  t.equal(markdown.code, 0, 'a trailing slash on the URL is fine')
  t.match(markdown.stdout, /^### Contract coverage: 2 of 71 cases \(2\.8%\)\n/)
  t.match(markdown.stdout, '\n| `updateApiKey` PATCH `/project/{id}/key/{key_id}` | 200 |  | ✅ 2 |\n')
  t.equal(markdown.stdout.split('\n').filter(line => /^\| .* \| \d{3} \|/.test(line)).length, 71, 'one row per case')

  const json = await coverage(['--url', url, '--format', 'json'])
  t.equal(json.code, 0)
  t.strictSame(JSON.parse(json.stdout), await (await fetch(`${url}/__admin/coverage`, { headers: bearer(ADMIN_TOKEN) })).json())

  const junit = await coverage(['--url', url, '--format', 'junit'])
  t.equal(junit.code, 0)
  const parsed = await parse(junit.stdout) as { tests: number, failures: number, testsuite: Array<{ name: string, testcase: Array<{ name: string, failure?: unknown[] }> }> }
  t.equal(parsed.tests, 71)
  t.equal(parsed.failures, 69)
  t.equal(parsed.testsuite.length, 8, 'a suite per operation')
  const passed = parsed.testsuite.flatMap(s => s.testcase).filter(c => c.failure === undefined).map(c => c.name)
  t.strictSame(passed, ['updateApiKey:200', 'updateApiKey:401:missing-credentials'])
})

t.test('--require and --min exit 1 with what is missing, after printing the report; 0 when met', async t => {
  const { url } = await exercised(t)
  const failed = await coverage(['--url', url, '--format', 'markdown', '--require', 'updateApiKey:200,updateApiKey:401,updateApiKey:404', '--require', 'updateApiKey:401:unknown-credential'])
  t.equal(failed.code, 1)
  t.match(failed.stdout, /^### Contract coverage: 2 of 71 cases/, 'the table is still printed, for the job summary')
  t.equal(failed.stderr, 'basic-admin-mock: coverage: 2 required case(s) never exercised: updateApiKey:404, updateApiKey:401:unknown-credential\n')

  const met = await coverage(['--url', url, '--require', ' updateApiKey:200 , updateApiKey:401:missing-credentials,', '--min', '2.8'])
  t.strictSame({ code: met.code, stderr: met.stderr }, { code: 0, stderr: '' })

  const low = await coverage(['--url', url, '--min', '3', '--format', 'json'])
  t.equal(low.code, 1)
  t.match(low.stderr, /^basic-admin-mock: coverage: coverage 2 of 71 cases \(2\.8%\) is below --min 3%; never exercised: createApiKey:200, createApiKey:400:content-type, .*verifyApiKey:404:not-visible\n$/)
  t.equal(JSON.parse(low.stdout).covered, 2)
})

t.test('--namespace reads that open namespace\'s report; a namespace not open is one line and exit 1, and stays unopened', async t => {
  const { url } = await exercised(t)
  const listed = async (): Promise<string[]> => ((await (await fetch(`${url}/__admin/namespaces`, { headers: bearer(ADMIN_TOKEN) })).json()) as { namespaces: Array<{ name: string }> }).namespaces.map(n => n.name)
  const opened = await fetch(`${url}/project/proj_one/key`, { headers: { ...bearer(SECRETS.key_admin), 'x-mock-namespace': 'team-a' } })
  t.equal(opened.status, 200)
  const res = await coverage(['--url', url, '--format', 'json', '--namespace', 'team-a'])
  t.equal(res.code, 0)
  t.match(JSON.parse(res.stdout), { namespace: 'team-a', covered: 1 })
  const typo = await coverage(['--url', url, '--namespace', 'team-b'])
  t.strictSame({ code: typo.code, stdout: typo.stdout }, { code: 1, stdout: '' })
  t.equal(typo.stderr, `basic-admin-mock: ${url}/__admin/coverage?namespace=team-b answered 400: "namespace" must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "team-b")\n`)
  t.strictSame(await listed(), ['default', 'team-a'], 'the command opened nothing')
})

t.test('each mistake is a CoverageError of one line, before anything is printed', async t => {
  const { url } = await exercised(t)
  // A server without ADMIN_TOKEN, which has no control plane at all.
  const { url: plain } = await listen(t)
  // A port nothing listens on: the connection is refused.
  const { url: gone, app } = await listen(t)
  await app.close()
  for (const [args, env, line] of [
    [[], { ADMIN_TOKEN }, '--url must be the server\'s http(s) address, e.g. http://127.0.0.1:3003 (got "")'],
    [['--url', 'localhost:3003'], { ADMIN_TOKEN }, '--url must be the server\'s http(s) address, e.g. http://127.0.0.1:3003 (got "localhost:3003")'],
    [['--url', url, '--format', 'html'], { ADMIN_TOKEN }, '--format must be one of text, markdown, json, junit (got "html")'],
    [['--url', url, '--min', 'most'], { ADMIN_TOKEN }, '--min must be a percentage from 0 to 100 (got "most")'],
    [['--url', url, '--min', '101'], { ADMIN_TOKEN }, '--min must be a percentage from 0 to 100 (got "101")'],
    [['--url', url, '--min', ''], { ADMIN_TOKEN }, '--min must be a percentage from 0 to 100 (got "")'],
    [['--url', url, '--namespace', 'a b'], { ADMIN_TOKEN }, '--namespace must be 1 to 64 of A-Z a-z 0-9 _ . - (got "a b")'],
    [['--url', url], {}, 'coverage reads the control plane: set BASIC_ADMIN_TOKEN (or ADMIN_TOKEN) in the environment to the server\'s token'],
    [['--url', url, '--admin-token', 'not-the-admin-token-0123'], {}, `${url}/__admin/coverage answered 404: the server has no control plane for this token (start it with ADMIN_TOKEN, and give the same one as BASIC_ADMIN_TOKEN or ADMIN_TOKEN)`],
    [['--url', plain], { ADMIN_TOKEN }, `${plain}/__admin/coverage answered 404: the server has no control plane for this token (start it with ADMIN_TOKEN, and give the same one as BASIC_ADMIN_TOKEN or ADMIN_TOKEN)`],
    [['--url', gone], { ADMIN_TOKEN }, `cannot reach ${gone}/__admin/coverage: ECONNREFUSED`],
    [['--url', url, '--require', 'updateApiKey:418'], { ADMIN_TOKEN }, '--require updateApiKey:418: updateApiKey lists no status "418" (it lists 200, 400, 401, 404)'],
    [['--url', url, 'extra'], { ADMIN_TOKEN }, 'coverage takes no argument "extra" (see basic-admin-mock coverage --help)']
  ] as Array<[string[], Record<string, string>, string]>) {
    const printed: string[] = []
    await t.rejects(coverageCommand(args, env, text => printed.push(text)), new CoverageError(line), args.join(' '))
    t.strictSame(printed, [], args.join(' '))
  }
})

t.test('as a process, a mistake is that line on stderr and exit 1, an unknown option too, with nothing on stdout', async t => {
  const { url } = await exercised(t)
  const [noToken, unknown] = await Promise.all([coverage(['--url', url], {}), coverage(['--url', url, '--verbose'])])
  t.strictSame(noToken, { code: 1, signal: null, stdout: '', stderr: 'basic-admin-mock: coverage reads the control plane: set BASIC_ADMIN_TOKEN (or ADMIN_TOKEN) in the environment to the server\'s token\n' })
  t.strictSame({ code: unknown.code, stdout: unknown.stdout }, { code: 1, stdout: '' })
  t.equal(unknown.stderr, 'basic-admin-mock: unknown option --verbose: basic-admin-mock coverage --help lists every option\n')
})

t.test('--help prints the command\'s usage and exits 0; the CLI\'s --help lists the command', async t => {
  const help = await coverage(['--help'], {})
  t.equal(help.code, 0)
  t.match(help.stdout, /^Usage: basic-admin-mock coverage --url URL \[options\]\n/)
  for (const flag of ['--url', '--format', '--require', '--min', '--namespace', '--admin-token']) t.match(help.stdout, `\n  ${flag} `)
  const all = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
    child.on('error', reject).on('close', () => resolve(out))
  })
  t.match(all, '\n  coverage --url URL [--format F] [--require CASES] [--min PERCENT]\n')
})
