// Dredd, with its defaults, on the document a running server serves, by the recipes of docs/contract.md: the hooks
// file as the page shows it (saved as dredd-hooks.cjs), then dredd against a fresh demo server. Every one of its 29
// transactions passes; without the hooks file, every 2xx still does, and only the variations fail.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { readRecipes } from '../../scripts/recipes.mjs'
import { DEMO_KEY_SECRET, demoCall, labScratch, recipe, ROOT, runRecipe, startDemoServer, type Run } from './tools.js'

// Each operation's documented answers, in the contract's order: Dredd makes one transaction of each.
const OPERATIONS = [
  'POST /project/proj_demo/key', 'GET /project/proj_demo/key', 'POST /project/proj_demo/key/verify', 'GET /project/proj_demo/key/key_demo',
  'PATCH /project/proj_demo/key/key_demo', 'DELETE /project/proj_demo/key/key_demo_delete', 'POST /project/proj_demo/key/key_demo_regenerate/regenerate'
]
const TRANSACTIONS = [...OPERATIONS.flatMap(operation => [200, 400, 401, 404].map(status => operation.replace(' ', ` (${status}) `))), 'GET (200) /auth/.well-known/jwks.json']

interface Report { code: number | null, results: string[], complete: string, output: string }

/** Dredd's lines, without colours: `pass: GET (200) /path` for each transaction, and the `complete:` count. */
function report (run: Run): Report {
  const output = stripVTControlCharacters(`${run.stdout}\n${run.stderr}`)
  const results = [...output.matchAll(/^(pass|fail|skip): (\w+ \(\d{3}\) \S+)/gm)].map(match => `${match[1]!} ${match[2]!}`)
  return { code: run.code, results, complete: /^complete: (\d+ passing.*total)$/m.exec(output)?.[1] ?? '', output }
}

/** The recipe on a fresh demo server in a folder of its own, with or without the page's hooks file. */
async function dredd (name: string, withHooks: boolean): Promise<{ url: string, report: Report }> {
  const { url } = await startDemoServer(fn => { t.teardown(fn) }, join(t.testdir(), name))
  const dir = labScratch(fn => { t.teardown(fn) }, `dredd-${name}`)
  writeFileSync(join(dir, 'dredd-hooks.cjs'), recipe('contract-dredd-hooks'))
  const script = withHooks ? undefined : (text: string) => text.replace(' --hookfiles=dredd-hooks.cjs', '')
  return { url, report: report(await runRecipe('contract-dredd', dir, url, [], script)) }
}

const [hooked, plain] = await Promise.all([dredd('hooked', true), dredd('plain', false)])

t.test('Dredd passes all 29 transactions of the served contract with the hooks file docs/contract.md shows', async t => {
  const { report } = hooked
  t.equal(report.complete, '29 passing, 0 failing, 0 errors, 0 skipped, 29 total', "Dredd's count", { output: report.output.slice(-4000) })
  t.equal(report.code, 0, 'the recipe exits 0')
  t.strictSame(report.results, TRANSACTIONS.map(transaction => `pass ${transaction}`), 'each operation\'s 200, 400, 401 and 404, in the contract\'s order')
  t.comment(`Dredd with the hooks file: ${report.results.length} transactions, ${report.results.filter(r => r.startsWith('pass')).length} passing, ${report.results.filter(r => r.startsWith('fail')).length} failing`)
})

t.test('the hooks file changes requests only, and only for the variations', async t => {
  const hooks = recipe('contract-dredd-hooks')
  t.notMatch(hooks, /\.(real|expected\.(body|headers|statusCode\s*=)|skip)\b|hooks\.(after|before)(?!Each\b)/, 'no answer, expectation or skip is touched; one beforeEach')
  t.match(hooks, /case '400':[\s\S]*case '401':[\s\S]*case '404':/, 'a request for each of the three variations')
})

t.test('without the hooks file, every 2xx transaction passes with Dredd\'s defaults alone; only the variations fail', async t => {
  const { report } = plain
  const passed = report.results.filter(result => result.startsWith('pass ')).map(result => result.slice('pass '.length))
  t.strictSame(passed.filter(transaction => transaction.includes(' (200) ')), TRANSACTIONS.filter(transaction => transaction.includes(' (200) ')), 'all 8 answers 200 as the contract says')
  t.ok(report.results.filter(result => result.startsWith('fail ')).every(result => !result.includes(' (200) ')), 'no 2xx fails')
  t.comment(`Dredd without hooks: ${report.complete} (beside the 200s: ${passed.filter(transaction => !transaction.includes(' (200) ')).join(', ')})`)
})

t.test('after the run the demo key still manages keys; the disposable keys took the delete and the regenerate', async t => {
  const read = await demoCall(hooked.url, 'PATCH', { label: 'After Dredd', roles: 'admin' })
  t.match(read, { status: 200, json: { key: { id: 'key_demo', label: 'After Dredd', roles: 'admin' } } }, 'the demo key still makes a PATCH')
  const list = await fetch(`${hooked.url}/project/proj_demo/key`, { headers: { authorization: `Bearer ${DEMO_KEY_SECRET}` } })
  const ids = ((await list.json()) as { data: Array<{ id: string }> }).data.map(key => key.id)
  t.strictSame(ids.filter(id => id.startsWith('key_demo')), ['key_demo', 'key_demo_regenerate'], 'key_demo_delete is gone, the others stay')
})

t.test('docs/contract.md has no recipe without a test that runs it', async t => {
  const names = [...readRecipes(ROOT).values()].filter(found => found.file === 'docs/contract.md').map(found => found.name).sort()
  t.strictSame(names, ['contract-apply-overlay', 'contract-dredd', 'contract-dredd-hooks', 'contract-portman', 'contract-portman-default', 'contract-spectral', 'contract-typed-client'])
})
