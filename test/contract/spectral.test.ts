// Spectral (spectral:oas and the project's .spectral.yaml) on the document a running server serves: no result at all.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { contractPath } from '../../src/paths.js'
import { binOf, labScratch, ROOT, runNode, runRecipe, startDemoServer } from './tools.js'

const SPECTRAL = binOf('@stoplight/spectral-cli', 'spectral')
const RULESET = join(ROOT, '.spectral.yaml')
const SEED = join(ROOT, '..', 'shared', 'contract', 'update-api-key.seed.yaml')

interface Result { code: string, severity: number, path: Array<string | number>, source: string }
const SEVERITY = ['error', 'warn', 'info', 'hint']

/** `spectral lint <documents...> --ruleset <ruleset> --format json`: the results of each document, as `severity code path`. */
async function lint (documents: string[], ruleset: string, dir: string): Promise<string[][]> {
  const run = await runNode(SPECTRAL, ['lint', ...documents, '--ruleset', ruleset, '--format', 'json', '--quiet'], { cwd: dir })
  let results: Result[]
  try {
    results = JSON.parse(run.stdout) as Result[]
  } catch {
    throw new Error(`spectral printed no JSON (exit ${run.code}): ${run.stdout} ${run.stderr}`)
  }
  const unknown = results.filter(r => !documents.includes(r.source))
  if (unknown.length > 0) throw new Error(`results for no document linted: ${JSON.stringify(unknown)}`)
  return documents.map(document => results.filter(r => r.source === document).map(r => `${SEVERITY[r.severity]} ${r.code} ${r.path.join('.')}`).sort())
}

const dir = t.testdir({ 'oas-only.yaml': 'extends: ["spectral:oas"]\n' })
const { url } = await startDemoServer(fn => { t.teardown(fn) }, dir)
// The recipe of docs/contract.md on the served document; the base file and the seed as JSON, one process per ruleset.
const seedThere = existsSync(SEED)
const runs = Promise.all([
  runRecipe('contract-spectral', labScratch(fn => { t.teardown(fn) }, 'spectral'), url, ['.spectral.yaml']),
  lint([contractPath, ...(seedThere ? [SEED] : [])], RULESET, dir),
  seedThere ? lint([SEED], join(dir, 'oas-only.yaml'), dir) : [[]]
])

t.test('spectral:oas and the project ruleset find nothing in the served contract: no error, no warning', async t => {
  const [recipe, [base = []]] = await runs
  t.equal(recipe.stdout, "No results with a severity of 'hint' or higher found!\n", `spectral lint ${url}/openapi.json --ruleset .spectral.yaml --fail-severity hint`)
  t.equal(recipe.code, 0, `exit 0 (stderr: ${recipe.stderr})`)
  t.comment(`Spectral on the served contract: 0 results; on the base file: ${base.filter(r => r.startsWith('error')).length} errors, ${base.filter(r => r.startsWith('warn')).length} warnings`)

  // The same ruleset on the base file alone shows it can fail, and where the overlay makes the difference.
  const count = (code: string): number => base.filter(result => result.split(' ')[1] === code).length
  t.equal(count('request-bodies-closed'), 3, 'the base file leaves the 3 request bodies open')
  t.equal(count('response-2xx-objects-list-required'), 15, 'the base file lists required in none of the 15 objects of 2xx answers')
  t.equal(count('operation-operationId'), 7, 'the base file names no reconstructed operation; the seed\'s PATCH is excepted')
  t.equal(base.length, 25, 'nothing else')
})

t.test('the ruleset excepts exactly the warnings the seed itself carries', { skip: !seedThere && 'no shared/ beside this clone' }, async t => {
  const [, [, seedWithRuleset = []], [seedAlone]] = await runs
  t.strictSame(seedAlone, ['warn info-contact info', 'warn operation-operationId paths./project/{id}/key/{key_id}.patch'], 'spectral:oas on the seed')
  t.notOk(seedWithRuleset.some(result => result.startsWith('warn')), 'the ruleset turns those two off, and only on the seed\'s own parts')
})
