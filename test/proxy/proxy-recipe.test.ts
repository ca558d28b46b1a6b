// docs/drift.md's proxy recipe, read from the document and run as written by bash: a suite of one PATCH through the
// proxy, then drift-report --fail-on disagreements; exit 1 with the disagreement in the summary against the drifting
// stand-in, 0 against the faithful one, and the proxy is gone afterwards either way.
import t, { type Test } from 'tap'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { readRecipe } from '../../scripts/recipes.mjs'
import { patience } from '../patience.js'
import { runToEnd } from '../process/run-to-end.js'
import { drifting, PROJECT, standIn, TOKEN } from '../drift/stand-ins.js'
import { freePort } from '../free-port.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

const SUITE = `const res = await fetch(process.env.BASIC_URL + '/project/${PROJECT}/key/key_other', { method: 'PATCH', headers: { authorization: 'Bearer ${TOKEN}', 'content-type': 'application/json' }, body: '{"label":""}' })
console.log('suite:', res.status)
`

async function runRecipe (t: Test, target: string) {
  const project = t.testdir({ 'package.json': JSON.stringify({ name: 'consumer', private: true, scripts: { test: 'node suite.mjs' } }), 'suite.mjs': SUITE })
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true })
  const bin = join(project, 'node_modules', '.bin', 'basic-admin-mock')
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`)
  chmodSync(bin, 0o755)
  const summary = join(project, 'summary.md')
  const port = await freePort()
  const env = { HOME: project, PROXY_TARGET: target, PROXY_PORT: String(port), GITHUB_STEP_SUMMARY: summary }
  const ran = await runToEnd('bash', ['-eo', 'pipefail', '-c', readRecipe(packageRoot, 'proxy-ci')], { cwd: project, env, t, timeoutMs: patience(10_000), what: 'the proxy recipe' })
  const stillThere = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)
  return { ...ran, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '', stillThere }
}

t.test('against the drifting stand-in: the suite passes through, drift-report fails the job with the disagreement', async t => {
  const target = await standIn(t, drifting)
  const ran = await runRecipe(t, target.url)
  t.equal(ran.code, 1, ran.stderr)
  t.match(ran.stdout, /^suite: 200$/m, 'the target\'s answer reached the suite')
  t.match(ran.summary, /^## basic-admin-mock proxy: ❌ 1 violation\(s\), 1 disagreement\(s\)\n/)
  t.match(ran.summary, '| disagreement | 200 |  | real service: 200 to this request; mock: 400 label (label must not be empty or only whitespace) | 1 |')
  t.notMatch(ran.stdout + ran.stderr + ran.summary, TOKEN)
  t.equal(ran.stillThere, false, 'the proxy ended with the script')
})

t.test('against the faithful stand-in: no disagreement, exit 0', async t => {
  const target = await standIn(t, undefined)
  const ran = await runRecipe(t, target.url)
  t.equal(ran.code, 0, ran.stderr)
  t.match(ran.stdout, /^suite: 400$/m)
  t.match(ran.summary, /^## basic-admin-mock proxy: ❌ 1 violation\(s\), 0 disagreement\(s\)\n/, 'the suite\'s own bad request is a violation, not a disagreement')
  t.equal(ran.stillThere, false)
})
