// docs/drift.md's GitHub Actions recipe, read from the document: a nightly workflow whose drift step takes the token
// from a secret, and whose script, run as written by sh, fails on a difference with the report in the job summary and
// passes once the difference is in the accept file.
import t from 'tap'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { packageRoot } from '../../src/paths.js'
import { readRecipe } from '../../scripts/recipes.mjs'
import { patience } from '../patience.js'
import { runToEnd } from '../process/run-to-end.js'
import { PROJECT, standIn, TOKEN } from './stand-ins.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

interface Workflow { on: { schedule: Array<{ cron: string }> }, jobs: { drift: { steps: Array<{ name?: string, env?: Record<string, string>, run?: string }> } } }

t.test('the drift workflow runs nightly, takes the token from a secret, and its step fails on drift and passes once it is accepted', async t => {
  const workflow = parse(readRecipe(packageRoot, 'drift-workflow')) as Workflow
  t.equal(workflow.on.schedule.length, 1)
  const step = workflow.jobs.drift.steps.find(s => s.name === 'Compare the mock with the real service')!
  // eslint-disable-next-line no-template-curly-in-string -- GitHub's expressions, as the workflow says them
  t.strictSame(step.env, { DRIFT_TARGET: 'https://api.basic.tech', DRIFT_PROJECT: '${{ vars.BASIC_DRIFT_PROJECT }}', DRIFT_TOKEN: '${{ secrets.BASIC_DRIFT_KEY }}' })

  const target = await standIn(t, (req, _body, _res, forward) => {
    if (req.method !== 'GET' || req.url !== `/project/${PROJECT}/key` || req.headers.authorization !== `Bearer ${TOKEN}`) return false
    forward(undefined, (status, headers, text) => [status, { ...headers, 'content-type': 'application/json; charset=utf-8' }, text])
    return true
  })
  // A project where the package is installed: npx finds its bin there, as after npm ci.
  const project = t.testdir({ 'package.json': '{ "name": "consumer", "private": true }' })
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true })
  const bin = join(project, 'node_modules', '.bin', 'basic-admin-mock')
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`)
  chmodSync(bin, 0o755)
  const summary = join(project, 'summary.md')
  const env = { HOME: project, DRIFT_TARGET: target.url, DRIFT_PROJECT: PROJECT, DRIFT_TOKEN: TOKEN, GITHUB_STEP_SUMMARY: summary }
  const run = () => runToEnd('sh', ['-e', '-c', step.run!], { cwd: project, env, t, timeoutMs: patience(8_000), what: 'the drift step' })

  const failed = await run()
  t.equal(failed.code, 1, failed.stderr)
  t.match(readFileSync(summary, 'utf8'), /^## basic-admin-mock drift: ❌ 1 difference\(s\)\n[\s\S]*`list-keys:header:content-type`/)
  t.strictSame((JSON.parse(readFileSync(join(project, 'drift.json'), 'utf8')) as { findings: Array<{ id: string }> }).findings.map(f => f.id), ['list-keys:header:content-type'])
  t.notMatch(failed.stdout + failed.stderr + readFileSync(summary, 'utf8'), TOKEN)

  writeFileSync(join(project, 'drift-accept.txt'), 'list-keys:header:content-type\n')
  const passed = await run()
  t.equal(passed.code, 0, passed.stderr)
  t.match(readFileSync(summary, 'utf8'), /## basic-admin-mock drift: ✅ no drift\n/)
})
