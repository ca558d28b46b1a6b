// Parallel suites and the coverage gate together (issue 25, item 4): the report over a set of namespaces, or over
// all of them, is the same in-process (mock.coverage), over HTTP (?namespace=) and from the CLI (--namespace a,b,
// --all-namespaces); an argument it does not know is refused, never read as the default namespace.
import t, { type Test } from 'tap'
import { request } from 'node:http'
import { join } from 'node:path'
import { startMockServer, type CoverageReport, type MockServer } from '../src/index.js'
import { DEMO_KEY_SECRET } from '../src/domain/demo.js'
import { packageRoot } from '../src/paths.js'
import { patience } from './patience.js'
import { runToEnd, type Ran } from './process/run-to-end.js'

const ADMIN_TOKEN = 'coverage-admin-token-0123456789'
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` }
const CLI = join(packageRoot, 'dist', 'src', 'cli.js')

/** A PATCH of the demo key in a namespace, over node:http (fetch may not send Expect); resolves the status. */
function patch (mock: MockServer, namespace: string, headers: Record<string, string>, key = 'key_demo'): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = '{"label":"Renamed"}'
    const req = request(`${mock.url}/project/proj_demo/key/${key}`, {
      method: 'PATCH',
      headers: { 'x-mock-namespace': namespace, 'content-type': 'application/json', 'content-length': String(body.length), ...headers },
      timeout: patience(2_000)
    }, res => { res.resume().on('end', () => resolve(res.statusCode!)) })
    req.on('timeout', () => req.destroy(new Error(`no answer to the PATCH in ${namespace} within ${patience(2_000)} ms`)))
    req.on('error', reject)
    req.end(body)
  })
}

const demoKey = { authorization: `Bearer ${DEMO_KEY_SECRET}` }

/** Two suites ran in suite-a and suite-b; the default namespace saw nothing. */
async function afterTwoSuites (t: Test): Promise<MockServer> {
  const mock = await startMockServer({ adminToken: ADMIN_TOKEN })
  t.teardown(() => mock.close())
  for (const [namespace, headers, key, status] of [
    ['suite-a', demoKey, 'key_demo', 200],
    ['suite-a', { ...demoKey, expect: 'nothing-known' }, 'key_demo', 400],
    // A namespace opens at its first authenticated request: suite-b's 401 comes after one.
    ['suite-b', demoKey, 'key_demo', 200],
    ['suite-b', {}, 'key_demo', 401],
    ['suite-b', demoKey, 'key_gone', 404],
    ['suite-b', { ...demoKey, expect: 'nothing-known' }, 'key_demo', 400]
  ] as const) t.equal(await patch(mock, namespace, headers, key), status, `${namespace}: PATCH ${key} answers ${status}`)
  return mock
}

const http = async (mock: MockServer, query: string): Promise<{ status: number, body: any }> => {
  const res = await fetch(`${mock.url}/__admin/coverage${query}`, { headers: ADMIN, signal: AbortSignal.timeout(patience(2_000)) })
  return { status: res.status, body: await res.json() }
}

const cli = (args: string[]): Promise<Ran> =>
  runToEnd(process.execPath, [CLI, 'coverage', ...args], { env: { ADMIN_TOKEN }, timeoutMs: patience(1_500), what: `basic-admin-mock coverage ${args.join(' ')}` })

const statuses = (report: CoverageReport, operation: string): Array<[number, number]> =>
  report.operations.find(o => o.operation === operation)!.statuses.map(s => [s.status, s.count])

t.test('the report over a set of namespaces sums theirs; in-process, over HTTP and from the CLI alike', async t => {
  const mock = await afterTwoSuites(t)
  const a = mock.coverage({ namespace: 'suite-a' })
  const b = mock.coverage({ namespace: 'suite-b' })
  t.match(a, { namespace: 'suite-a', covered: 1 })
  t.match(b, { namespace: 'suite-b', covered: 3 })
  t.match(mock.coverage(), { namespace: 'default', covered: 0 }, 'no argument: the default namespace, as before')

  const both = mock.coverage({ namespace: ['suite-a', 'suite-b'] })
  t.equal(both.namespace, 'suite-a,suite-b', 'names the namespaces it sums, as ?namespace= takes them')
  t.equal(both.covered, 3, '200 in both, 401 and 404 in suite-b: three cases')
  t.equal(both.total, a.total)
  t.strictSame(statuses(both, 'updateApiKey'), [[200, 2], [400, 2], [401, 1], [404, 1]], 'each status counted in both, summed')
  t.strictSame(both.missing, b.missing, 'suite-a exercised nothing suite-b did not')
  t.strictSame(both.other, [{ operation: 'updateApiKey', status: 400, rule: 'expect', count: 2 }], 'answers outside the cases summed too')
  t.equal(both.since, [a.since, b.since].sort()[0], 'counted since the earliest of them')
  t.strictSame(mock.coverage({ namespace: 'suite-b,suite-a' }).covered, 3, 'a comma-separated string, as over HTTP')

  const all = mock.coverage({ namespace: '*' })
  t.equal(all.namespace, 'default,suite-a,suite-b', '* is every open namespace, the default one first')
  t.strictSame({ ...all, namespace: both.namespace, since: both.since }, both, 'the default namespace added nothing')
  t.equal(all.since, mock.coverage().since, 'the default namespace opened first')

  t.strictSame(await http(mock, '?namespace=suite-a,suite-b'), { status: 200, body: both }, 'GET /__admin/coverage?namespace=suite-a,suite-b')
  t.strictSame(await http(mock, '?namespace=*'), { status: 200, body: all }, 'GET /__admin/coverage?namespace=*')
  t.strictSame(await http(mock, '?namespace=suite-a,suite-a'), { status: 200, body: a }, 'a name given twice counts once')

  const listed = await cli(['--url', mock.url, '--format', 'json', '--namespace', 'suite-a,suite-b'])
  t.strictSame({ code: listed.code, stderr: listed.stderr, report: JSON.parse(listed.stdout) }, { code: 0, stderr: '', report: both }, '--namespace suite-a,suite-b')
  const repeated = await cli(['--url', mock.url, '--format', 'json', '--namespace', 'suite-a', '--namespace', 'suite-b'])
  t.strictSame(JSON.parse(repeated.stdout), both, '--namespace repeated')
  const every = await cli(['--url', mock.url, '--format', 'json', '--all-namespaces'])
  t.strictSame(JSON.parse(every.stdout), all, '--all-namespaces')
})

t.test('the coverage gate over parallel suites: --all-namespaces passes where the default namespace alone fails', async t => {
  const mock = await afterTwoSuites(t)
  const alone = await cli(['--url', mock.url, '--min', '4'])
  t.equal(alone.code, 1, 'the default namespace saw nothing')
  t.match(alone.stdout, /^Contract coverage: 0 of 71 cases \(0%\), namespace default, since /)
  const gate = await cli(['--url', mock.url, '--min', '4', '--require', 'updateApiKey:401,updateApiKey:404', '--all-namespaces'])
  t.strictSame({ code: gate.code, stderr: gate.stderr }, { code: 0, stderr: '' })
  t.match(gate.stdout, /^Contract coverage: 3 of 71 cases \(4\.2%\), namespaces default, suite-a, suite-b, since /)
  const markdown = await cli(['--url', mock.url, '--format', 'markdown', '--namespace', 'suite-a,suite-b'])
  t.match(markdown.stdout, /^### Contract coverage: 3 of 71 cases \(4\.2%\)\n\nNamespaces `suite-a`, `suite-b`, counted since /)
  const junit = await cli(['--url', mock.url, '--format', 'junit', '--all-namespaces'])
  t.match(junit.stdout, 'name="basic-admin-mock contract coverage (namespaces default, suite-a, suite-b)"')
})

t.test('an argument coverage does not know is refused, naming it, and opens no namespace', async t => {
  const mock = await afterTwoSuites(t)
  const open = (): string[] => mock.app.namespaces.list().map(n => n.name)
  for (const [args, message] of [
    [['suite-a'], 'coverage takes { namespace }, e.g. coverage({ namespace: "suite-a" }) (got "suite-a")'],
    [[{ namespaces: ['suite-a'] }], 'coverage: unknown option "namespaces" (known: namespace)'],
    [[{ namespace: 'suite-a' }, 'suite-b'], 'coverage takes one argument, { namespace } (got 2)'],
    [[{ namespace: 'suite-c' }], 'namespace must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "suite-c")'],
    [[{ namespace: ['suite-a', '*'] }], 'namespace must be * alone (every open namespace) or names of open namespaces (got "suite-a,*")'],
    [[{ namespace: ['suite-a', ''] }], 'namespace must be 1 to 64 of A-Z a-z 0-9 _ . - (got "")'],
    [[{ namespace: 3 }], 'namespace must be a namespace name, a list of them, or * (got 3)']
  ] as const) t.throws(() => (mock.coverage as (...args: unknown[]) => unknown)(...args), { name: 'TypeError', message }, JSON.stringify(args))

  for (const [query, message] of [
    ['?namespace=suite-a,suite-c', '"namespace" must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "suite-c")'],
    ['?namespace=*,suite-a', '"namespace" must be * alone (every open namespace) or names of open namespaces (got "*,suite-a")'],
    ['?namespace=suite-a,', '"namespace" must be 1 to 64 of A-Z a-z 0-9 _ . - (got "")'],
    ['?namespaces=suite-a', 'Unknown property "namespaces" in querystring']
  ] as const) t.strictSame(await http(mock, query), { status: 400, body: { error: 'Bad Request', message } }, query)

  for (const [args, line] of [
    [['--namespace', 'suite-a', '--all-namespaces'], '--namespace and --all-namespaces exclude each other: --all-namespaces already reads every open namespace'],
    [['--namespace', '*'], '--namespace must be 1 to 64 of A-Z a-z 0-9 _ . - (got "*"); --all-namespaces reads every open namespace'],
    [['--namespace', 'suite-a,,suite-b'], '--namespace must be 1 to 64 of A-Z a-z 0-9 _ . - (got "")'],
    [['--all-namespaces=yes'], "Option '--all-namespaces' does not take an argument: basic-admin-mock coverage --help lists every option"]
  ] as const) {
    const res = await cli(['--url', mock.url, ...args])
    t.strictSame({ code: res.code, stdout: res.stdout, stderr: res.stderr }, { code: 1, stdout: '', stderr: `basic-admin-mock: ${line}\n` }, args.join(' '))
  }
  const typo = await cli(['--url', mock.url, '--namespace', 'suite-a,suite-c'])
  t.equal(typo.stderr, `basic-admin-mock: ${mock.url}/__admin/coverage?namespace=suite-a,suite-c answered 400: "namespace" must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "suite-c")\n`)
  t.strictSame(open(), ['default', 'suite-a', 'suite-b'], 'no query opened a namespace')
})
