// docs/coverage.md's CI recipe, read from the document and run as written by sh: after a suite that never got a
// 404 the step prints the table into the job summary and exits 1 naming the case; once the suite does, it exits 0.
import t, { type Test } from 'tap'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Fixture } from '../src/domain/fixture.js'
import { packageRoot } from '../src/paths.js'
import { ADMIN_TOKEN } from './answers.js'
import { patience } from './patience.js'
import { runToEnd, type Ran } from './process/run-to-end.js'
import { listen } from './wire.js'
import { readRecipe } from '../scripts/recipes.mjs'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

// The README's fixture, which the recipe's calls use.
const EXAMPLE: Fixture = {
  users: [{ id: 'user_alice', email: 'alice@example.com', name: 'Alice' }],
  projects: [{
    id: 'proj_example',
    name: 'Example',
    members: [{ user: 'user_alice', role: 'owner' }],
    keys: [{ id: 'key_ci', label: 'CI', roles: 'admin', value: 'basic_key_example_ci_00000000000000000001' }]
  }]
}

/** Runs a shell script in `cwd` with exactly this env (plus PATH, and HOME there). */
const sh = (script: string, cwd: string, env: Record<string, string>): Promise<Ran> =>
  runToEnd('sh', ['-c', script], { cwd, env: { HOME: cwd, ...env }, timeoutMs: patience(5_000), what: 'the recipe' })

/** A project where the package is installed: npx finds its bin there, as after npm install. */
function consumer (t: Test): string {
  const project = t.testdir({ 'package.json': '{ "name": "consumer", "private": true }' })
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true })
  const bin = join(project, 'node_modules', '.bin', 'basic-admin-mock')
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`)
  chmodSync(bin, 0o755)
  return project
}

t.test('the coverage-step recipe fails while PATCH\'s 404 was never exercised, and passes once it was', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN }, fixture: EXAMPLE })
  const project = consumer(t)
  const summary = join(project, 'summary.md')
  const env = { BASIC_API_URL: url, BASIC_ADMIN_TOKEN: ADMIN_TOKEN, GITHUB_STEP_SUMMARY: summary, npm_config_update_notifier: 'false' }
  const code = readRecipe(packageRoot, 'coverage-step')

  const failed = await sh(code, project, env)
  t.equal(failed.code, 1, failed.stderr)
  t.equal(failed.stdout, '{"count":1}\n', 'what the recipe shows')
  t.equal(failed.stderr, 'basic-admin-mock: coverage: 1 required case(s) never exercised: updateApiKey:404\n')
  const table = readFileSync(summary, 'utf8')
  t.match(table, /^### Contract coverage: 2 of 71 cases \(2\.8%\)\n/)
  t.match(table, '\n| `updateApiKey` PATCH `/project/{id}/key/{key_id}` | 200 |  | ✅ 1 |\n')
  t.match(table, '\n|  | 401 | `missing-credentials` | ✅ 1 |\n')
  t.match(table, '\n|  | 404 | `not-visible` | ❌ 0 |\n')

  const missing = await fetch(`${url}/project/proj_example/key/key_gone`, {
    method: 'PATCH',
    headers: { authorization: 'Bearer basic_key_example_ci_00000000000000000001', 'content-type': 'application/json' },
    body: '{"label":"Nobody"}'
  })
  t.equal(missing.status, 404)
  const passed = await sh(code, project, env)
  t.strictSame({ code: passed.code, stderr: passed.stderr }, { code: 0, stderr: '' })
  t.equal(passed.stdout, '{"count":3}\n', 'the 401 of each run and the 404 in between')
  t.match(readFileSync(summary, 'utf8').slice(table.length), /^### Contract coverage: 3 of 71 cases \(4\.2%\)\n[^]*\n\| {2}\| 404 \| `not-visible` \| ✅ 1 \|\n/, 'the second run appended its own table')
})

t.test('pasted into a shell without $GITHUB_STEP_SUMMARY, the coverage-step recipe prints the table on stdout instead', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN }, fixture: EXAMPLE })
  const project = consumer(t)
  const env = { BASIC_API_URL: url, BASIC_ADMIN_TOKEN: ADMIN_TOKEN, npm_config_update_notifier: 'false' }
  // Its stdout a pipe, as a terminal's pipeline or a CI runner's log has it: Node's own pipes are socket pairs,
  // which /dev/stdout cannot open again (ENXIO), but no shell a user pastes into hands it one.
  const failed = await runToEnd('bash', ['-o', 'pipefail', '-c', 'sh -c "$RECIPE" | cat'], { cwd: project, env: { HOME: project, ...env, RECIPE: readRecipe(packageRoot, 'coverage-step') }, timeoutMs: patience(5_000), what: 'the recipe' })
  t.equal(failed.stderr, 'basic-admin-mock: coverage: 1 required case(s) never exercised: updateApiKey:404\n', 'the coverage command ran, and said what is missing')
  t.equal(failed.code, 1)
  t.match(failed.stdout, /^\{"count":1\}\n### Contract coverage: 2 of 71 cases \(2\.8%\)\n/, 'the count, then the table')
  t.match(failed.stdout, '\n|  | 404 | `not-visible` | ❌ 0 |\n')
})
