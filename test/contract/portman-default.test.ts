// Portman with its default config (only the base URL and the bearer), by the recipe of docs/contract.md: on a fresh
// demo server, and again after `basic-admin-mock reset`, newman runs every generated test without a failure; the demo
// key still works after both.
import t from 'tap'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_KEY_SECRET, demoCall, labScratch, ROOT, runNode, runRecipe, startDemoServer, type Run } from './tools.js'

interface NewmanReport {
  run: {
    stats: { requests: { total: number, failed: number }, assertions: { total: number, failed: number } }
    executions: Array<{ item: { name: string }, request: { method: string, url: { path: string[] } }, response: { code: number } }>
    failures: Array<{ error: { test?: string, message: string }, source: { name: string } }>
  }
}

const serverDir = t.testdir()
const database = join(serverDir, 'demo.db')
const { url } = await startDemoServer(fn => { t.teardown(fn) }, serverDir)
const dir = labScratch(fn => { t.teardown(fn) }, 'portman-default')

/** The recipe as written, then newman's JSON report. */
async function portman (): Promise<{ run: Run, report: NewmanReport }> {
  const reportFile = join(dir, 'default-report.json')
  rmSync(reportFile, { force: true })
  const run = await runRecipe('contract-portman-default', dir, url, [])
  if (!existsSync(reportFile)) throw new Error(`the recipe wrote no newman report (exit ${run.code}): ${run.stdout} ${run.stderr}`)
  return { run, report: JSON.parse(readFileSync(reportFile, 'utf8')) as NewmanReport }
}

const fresh = await portman()
// The CLI's reset, as docs/contract.md says to run before another run, on the running server's database file.
const reset = await runNode(join(ROOT, 'dist', 'src', 'cli.js'), ['reset'], { cwd: dir, env: { DATABASE_PATH: database } })
const again = await portman()

const failures = (report: NewmanReport): string[] => report.run.failures.map(f => `${f.source.name}: ${f.error.test ?? ''} ${f.error.message}`)
// In Portman's order: its folders by tag (auth, then project-keys), each in the contract's order.
const OPERATIONS = ['GET /auth/.well-known/jwks.json', 'POST /project/proj_demo/key', 'GET /project/proj_demo/key', 'POST /project/proj_demo/key/verify', 'GET /project/proj_demo/key/key_demo',
  'PATCH /project/proj_demo/key/key_demo', 'DELETE /project/proj_demo/key/key_demo_delete', 'POST /project/proj_demo/key/key_demo_regenerate/regenerate']

for (const [when, { run, report }] of [['on a fresh server', fresh], ['after a reset', again]] as const) {
  t.test(`Portman's default config: every generated test passes ${when}`, async t => {
    const { stats, executions } = report.run
    t.strictSame(failures(report), [], 'no failed assertion')
    t.equal(run.code, 0, 'the recipe (portman, then newman) exits 0')
    // Portman's defaults: status 2xx, content type, JSON body and JSON schema for each operation (no variations).
    t.equal(stats.assertions.total, OPERATIONS.length * 4, '4 checks of each operation')
    t.equal(stats.requests.total, OPERATIONS.length)
    t.strictSame(executions.map(e => `${e.response.code} ${e.request.method} /${e.request.url.path.join('/')}`), OPERATIONS.map(operation => `200 ${operation}`), 'every operation 200 with the contract\'s examples')
    t.comment(`Portman default config ${when}: ${stats.requests.total} requests, ${stats.assertions.total} assertions, ${stats.assertions.failed} failed (recipe ${run.ms} ms)`)
  })
}

t.test('between the runs, the reset put the disposable keys back; the demo key still works after both', async t => {
  t.equal(reset.code, 0, `basic-admin-mock reset exits 0: ${reset.stderr}`)
  t.match(reset.stdout + reset.stderr, /to the demo data: 6 row\(s\)/)
  t.match(await demoCall(url), { status: 200, json: { key: { id: 'key_demo', label: 'Renamed from the docs', roles: 'admin,read' } } }, 'the PATCH example kept admin')
  const list = await fetch(`${url}/project/proj_demo/key`, { headers: { authorization: `Bearer ${DEMO_KEY_SECRET}` } })
  const ids = ((await list.json()) as { data: Array<{ id: string }> }).data.map(key => key.id)
  t.strictSame(ids.filter(id => id.startsWith('key_demo')), ['key_demo', 'key_demo_regenerate'], 'the second run deleted the restored key_demo_delete again')
})
