// Portman turns the served contract into contract and variation tests, with its own example bodies (the contract's
// examples), and newman runs them against the server: not one assertion fails, and the demo key still works after.
import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { demoCall, DEMO_KEY_SECRET, labScratch, runRecipe, startDemoServer } from './tools.js'

const FILES = ['test/contract/portman/portman-config.json']

interface NewmanReport {
  run: {
    stats: { requests: { total: number, failed: number }, assertions: { total: number, failed: number } }
    executions: Array<{ item: { name: string }, request: { method: string, url: { path: string[] } }, response: { code: number } }>
    failures: Array<{ error: { test?: string, message: string }, source: { name: string } }>
  }
}

// The recipe of docs/contract.md as written: portman (its CLI, -u the served document) writes the collection, newman runs it.
const { url } = await startDemoServer(fn => { t.teardown(fn) }, t.testdir())
const dir = labScratch(fn => { t.teardown(fn) }, 'portman')
const run = await runRecipe('contract-portman', dir, url, FILES)
const reportFile = join(dir, 'newman-report.json')
if (!existsSync(reportFile)) throw new Error(`the recipe wrote no newman report (exit ${run.code}): ${run.stdout} ${run.stderr}`)
const served = { url, run, report: JSON.parse(readFileSync(reportFile, 'utf8')) as NewmanReport }

const failures = (report: NewmanReport): string[] => report.run.failures.map(f => `${f.source.name}: ${f.error.test ?? ''} ${f.error.message}`)

t.test('newman runs every Portman contract and variation test of the served contract without a failure', async t => {
  const { stats, executions } = served.report.run
  t.strictSame(failures(served.report), [], 'no failed assertion')
  t.equal(served.run.code, 0, 'the recipe (portman, then newman) exits 0')
  // 8 operations x 4 checks; 401 without credentials and 404 for a missing project on the 7 under /project; 404 for a missing key on the 4 that take one.
  t.equal(stats.assertions.total, 8 * 4 + 7 * 4 + 7 * 4 + 4 * 4, 'status, content type, JSON body and schema for each request')
  t.equal(stats.requests.total, 26)
  const statuses = executions.map(e => `${e.response.code} ${e.item.name}`)
  t.strictSame(statuses.slice(0, 8), ['200 Get JSON Web Key Set', '200 Create API key', '200 List API keys', '200 Verify API key', '200 Get API key', '200 Update API key', '200 Regenerate API key', '200 Delete API key'], 'every operation answered 2xx with the contract\'s examples')
  t.ok(statuses.slice(8, 15).every(s => s.startsWith('401 ') && s.endsWith('[Without credentials]')), '401 without credentials')
  t.ok(statuses.slice(15, 22).every(s => s.startsWith('404 ') && s.endsWith('[Missing project]')), '404 for a missing project')
  t.ok(statuses.slice(22).every(s => s.startsWith('404 ') && s.endsWith('[Missing key]')), '404 for a missing key')
  t.comment(`Portman + newman on the served contract: ${stats.assertions.total} assertions, ${stats.assertions.failed} failed (${stats.requests.total} requests; recipe ${served.run.ms} ms)`)
})

t.test('after the run the demo key still manages keys, and the key Portman created is gone', async t => {
  const read = await demoCall(served.url)
  t.equal(read.status, 200)
  t.match(read.json, { key: { id: 'key_demo', label: 'Renamed from the docs', roles: 'admin,read' } }, 'the PATCH example kept admin')
  const list = await fetch(`${served.url}/project/proj_demo/key`, { headers: { authorization: `Bearer ${DEMO_KEY_SECRET}` } })
  t.equal(list.status, 200)
  t.strictSame(((await list.json()) as { data: Array<{ id: string }> }).data.map(key => key.id), ['key_demo', 'key_demo_delete', 'key_demo_regenerate'], 'created, regenerated, then deleted; the disposable demo keys untouched')
})

// Portman copies each response schema into its test: the closed, required-listing objects of the overlay, so a
// missing or extra field would fail the run. (The base file alone, without the overlay, failed 9 of 104 when this
// was written: its bodies and ids are Portman's placeholders, not the demo data.)
t.test("the generated schema checks are the served contract's: required fields listed, objects closed", async t => {
  interface Item { name: string, item?: Item[], event?: Array<{ script: { exec: string[] } }> }
  const items = (list: Item[]): Item[] => list.flatMap(item => item.item === undefined ? [item] : items(item.item))
  const collection = JSON.parse(readFileSync(join(dir, 'basic-admin.postman.json'), 'utf8')) as { item: Item[] }
  const script = items(collection.item).find(item => item.name === 'Update API key')?.event?.map(e => e.script.exec.join('\n')).join('\n') ?? ''
  const declared = /^const schema = (\{.*\})$/m.exec(script)
  t.ok(declared, 'the PATCH request checks its answer against a schema')
  const schema = JSON.parse(declared?.[1] ?? '{}') as unknown
  t.match(schema, { required: ['key'], additionalProperties: false, properties: { key: { required: ['id', 'label', 'roles', 'updated_at'], additionalProperties: false } } })
})
