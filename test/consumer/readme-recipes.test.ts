// The README's recipes as a reader follows them: each block is read from README.md itself and run, as written, in a
// fresh project beside a clone of this one, against the package packed from it. The Docker recipes are run by the
// Docker check. A recipe that stops working fails here.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { consumerEnv, installTools, lockedVersion, preseed, ROOT, run } from './project.js'
import { CLI, spawnCli, withTimeout } from '../process/harness.js'
import { patience } from '../patience.js'
import { compareOutput, recipe, recipesOf, shownOutput, type Recipe } from '../recipes.js'
import { freePort } from '../free-port.js'

// About 40 s alone on 2 cores, mostly npm and file copies; a machine busy with other work can make it several
// times that, more than tap's 120 s per file. The two top-level tests (README, docs/api.md) run side by side.
t.setTimeout(patience(30_000))
t.jobs = 2
const START_TIMEOUT_MS = patience(1_500)

// The README's recipes and those it sends readers to in docs/recipes.md, as one series.
const README = [...recipesOf('README.md'), ...recipesOf('docs/recipes.md')]
// Every recipe of these is run below, or by the Docker check (docker-*): a new one without a runner fails here.
const RUN_HERE = ['try-it', 'install', 'fixture', 'in-process', 'parallel-suites', 'unhappy-paths', 'tap', 'vitest', 'node-test', 'github-actions']
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string, version: string }

type Tap = { teardown: (fn: () => unknown) => void }
interface Shell { code: number | null, stdout: string, stderr: string, ms: number, group: number }

/**
 * Runs a shell recipe as `bash -eo pipefail` in its own process group, which teardown ends: a server the recipe
 * starts in the background goes with it.
 */
function bash (t: Tap, code: string, cwd: string, env: Record<string, string>, timeoutMs = patience(6_000)): Promise<Shell> {
  const started = Date.now()
  const child = spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', 'bash', '-eo', 'pipefail', '-c', code], { cwd, env: consumerEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const group = child.pid!
  t.teardown(() => { try { process.kill(-group, 'SIGKILL') } catch {} })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<Shell>(resolve => child.on('close', code => resolve({ code, stdout, stderr, ms: Date.now() - started, group })))
  return withTimeout(exited, timeoutMs, () => `the recipe to finish; stdout: ${stdout}; stderr: ${stderr}`)
}

/** A port nothing listens on now (3003 may be held by another test or program on this machine). */

/** Waits until nothing answers on the port any more (a server stopped by its process group's end). */
async function stopped (url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })
    } catch {
      return
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${url} still answers`)
}

/** The live processes of a process group (zombies are gone), once they stay so for a moment or patience runs out. */
async function leftIn (group: number): Promise<string[]> {
  const live = (): string[] => readdirSync('/proc').filter(pid => /^\d+$/.test(pid)).flatMap(pid => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after its last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return Number(pgrp) === group && state !== 'Z' ? [`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`] : []
    } catch {
      return [] // gone while read
    }
  })
  const deadline = Date.now() + patience(3_000)
  while (live().length > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
  return live()
}

/** A code recipe's first line names its file and the command that runs it: `// test/x.test.mjs (run: npx tap)`. */
async function runFileRecipe (t: Test, block: Recipe, project: string, env: Record<string, string> = {}) {
  const head = /^\/\/ (\S+) \(run: ([^)]+)\)\n/.exec(block.code)
  if (head === null) throw new Error(`${block.where}: the first line must be // FILE (run: COMMAND)`)
  const [, file, command] = head
  mkdirSync(join(project, dirname(file!)), { recursive: true })
  writeFileSync(join(project, file!), block.code)
  // Each file alone in the project while it runs: tap would take vitest's file for its own, and vitest tap's.
  t.teardown(() => rmSync(join(project, file!), { force: true }))
  const [program, ...args] = command!.split(' ')
  return await run(program!, args, project, { env: consumerEnv(env) })
}

/** `serve` on a free port, as the harness starts it, with a start-up allowance for a busy machine. */
async function serve (t: Tap, env: Record<string, string>, cli = CLI): Promise<{ url: string, stop: () => Promise<unknown> }> {
  const server = spawnCli(t, ['serve'], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env }, [process.execPath, cli])
  const banner = await server.waitForLine(line => line.startsWith('basic-admin-mock listening on '), 'the listening banner', START_TIMEOUT_MS)
  const url = /^basic-admin-mock listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(banner)![1]!
  return {
    url,
    stop: async () => {
      server.child.kill('SIGTERM')
      return await server.waitForExit(START_TIMEOUT_MS)
    }
  }
}

function assertOutput (t: Test, output: string, block: Recipe): void {
  t.equal(compareOutput(output, shownOutput(block)), undefined, `the output is what ${block.where} shows`)
}

t.test('every recipe of the README has a runner', async t => {
  const names = [...new Set(README.map(r => r.name))]
  t.strictSame(names.filter(name => !RUN_HERE.includes(name) && !/^docker-/.test(name)), [], 'no recipe without a runner (docker-* ones are the Docker check\'s)')
  t.strictSame(RUN_HERE.filter(name => !names.includes(name)), [], 'no runner without its recipe')
})

t.test('the README\'s recipes, pasted into a fresh project beside a clone', async t => {
  // Outside this project, so nothing resolves from its node_modules by accident: the clone and the project side by side.
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-mock-recipes-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  symlinkSync(ROOT, join(dir, 'basic-admin-mock'))
  const project = join(dir, 'your-project')
  mkdirSync(project)
  const timings: string[] = []
  const timed = <T extends { ms: number }>(what: string, result: T): T => {
    timings.push(`${what} ${(result.ms / 1000).toFixed(1)} s`)
    return result
  }

  // As a newcomer starts: npm init -y (npm 11 writes "type": "commonjs").
  const init = await run('npm', ['init', '-y'], project, { env: consumerEnv() })
  t.equal(init.code, 0, 'npm init -y', { stderr: init.stderr })
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>
  const seeded = Date.now()
  preseed(project)
  timings.push(`pre-seed ${((Date.now() - seeded) / 1000).toFixed(1)} s`)

  await t.test('install: npm pack of the clone into vendor/, npm install of that tarball', async t => {
    const block = recipe(README, 'install')
    t.match(block.code, `${pkg.name}-${pkg.version}.tgz`, 'the tarball name is this version\'s')
    // Offline: the pre-seed holds what npm needs. No scripts: npm test has built dist/ already, and pack's
    // prepare would rebuild it under the other test files' feet; better-sqlite3 is built already.
    const result = timed('install', await bash(t, block.code, project, { npm_config_offline: 'true', npm_config_ignore_scripts: 'true', npm_config_audit: 'false', npm_config_fund: 'false' }, patience(12_000)))
    t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
    const saved = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
    t.equal(saved.devDependencies[pkg.name], `file:vendor/${pkg.name}-${pkg.version}.tgz`, 'saved as a dev dependency from vendor/')
    t.equal((JSON.parse(readFileSync(join(project, 'node_modules', pkg.name, 'package.json'), 'utf8')) as { version: string }).version, pkg.version)

    // Then the tools the recipes below ask for (npm install -D tap vitest), as this project has them: copied in,
    // since npm would fetch them, and after the install above, which they would only slow down.
    const copied = Date.now()
    installTools(project, ['tap', 'vitest'])
    timings.push(`tap and vitest copied in ${((Date.now() - copied) / 1000).toFixed(1)} s`)
    const withTools = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>, scripts: Record<string, string>, tap?: object }
    withTools.devDependencies = { ...withTools.devDependencies, tap: `^${lockedVersion('tap')}`, vitest: `^${lockedVersion('vitest')}` }
    withTools.scripts = { test: 'node test/contract.mjs' }
    // This project's tap is built without its TypeScript plugin (package.json's tap.plugin); the same setting
    // here spares the consumer's tap a rebuild of its plugins (15 s). The recipe's .mjs needs no TypeScript.
    withTools.tap = { plugin: ['!@tapjs/typescript'] }
    writeFileSync(join(project, 'package.json'), JSON.stringify(withTools, null, 2))
  })

  await t.test('fixture: saved as test/fixture.json', async t => {
    const block = recipe(README, 'fixture')
    t.equal(block.lang, 'json')
    mkdirSync(join(project, 'test'), { recursive: true })
    writeFileSync(join(project, 'test', 'fixture.json'), block.code)
    t.ok(JSON.parse(block.code), 'valid JSON')
  })

  await t.test('try-it: a user token from the CLI renames the demo key of a server started in the same folder', async t => {
    const server = await serve(t, { DATABASE_PATH: join(project, 'data', 'basic-admin.db') }, join(project, 'node_modules', pkg.name, 'dist', 'src', 'cli.js'))
    const block = recipe(README, 'try-it')
    const result = timed('try-it', await bash(t, block.code, project, { PORT: new URL(server.url).port }))
    t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
    assertOutput(t, result.stdout, block)
    t.notMatch(result.stderr, /is not in the database/, 'user_demo is a user of that database')
    t.same(await server.stop(), { code: 0, signal: null })
  })

  // Scripts that print what the README shows beside them.
  const printing: Array<[name: string, what: string]> = [
    ['in-process', 'example.mjs starts the server, PATCHes through it, resets and closes'],
    ['parallel-suites', 'two workers in two namespaces of one server, each sees its own write'],
    ['unhappy-paths', 'a retry meets the 503 rule once, then the real 200']
  ]
  for (const [name, what] of printing) {
    await t.test(`${name}: ${what}`, async t => {
      const block = recipe(README, name)
      const result = timed(name, await runFileRecipe(t, block, project))
      t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
      assertOutput(t, result.stdout, block)
    })
  }

  await t.test('tap: test/keys.test.mjs passes under npx tap, in a project whose package.json says commonjs', async t => {
    t.equal(manifest.type, 'commonjs', 'npm init -y wrote "type": "commonjs", as the issue found')
    const block = recipe(README, 'tap')
    const result = timed('tap', await runFileRecipe(t, block, project))
    t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
    t.match(result.stdout, /ok 1 - renames a key/)
    t.match(result.stdout, /# \{ total: 2, pass: 2 \}/)
  })

  await t.test('vitest: test/keys.test.ts passes under npx vitest run', async t => {
    const block = recipe(README, 'vitest')
    const result = timed('vitest', await runFileRecipe(t, block, project, { CI: 'true' }))
    t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
    t.match(result.stdout, /Tests\s+1 passed \(1\)/)
  })

  await t.test('node-test: test/keys.test.mjs passes under node --test, with nothing installed but the package', async t => {
    const block = recipe(README, 'node-test')
    const result = timed('node:test', await runFileRecipe(t, block, project))
    t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
    // The tap reporter where stdout is no terminal (Node 20 and 22), the spec reporter (Node 23 on): both count.
    t.match(result.stdout, /^(# |ℹ )tests 1$/m)
    t.match(result.stdout, /^(# |ℹ )pass 1$/m)
    t.match(result.stdout, /^(# |ℹ )fail 0$/m)
  })

  await t.test('github-actions: the start step waits for its own server\'s /ready, the tests step reaches it, the stop step leaves nothing running; a bad start or a taken port fails the step with the server\'s own error', async t => {
    const block = recipe(README, 'github-actions')
    const workflow = parse(block.code) as { jobs: Record<string, { env: Record<string, string | number>, steps: Array<{ name?: string, run?: string, shell?: string, env?: Record<string, string | number>, uses?: string, if?: string }> }> }
    const job = Object.values(workflow.jobs)[0]!
    const start = job.steps.find(step => step.name === 'Start basic-admin-mock')!
    t.equal(start.shell, 'bash', 'shell: bash, which GitHub runs as bash -eo pipefail, as here')
    // actions/checkout and setup-node are this folder and this Node; npm ci needs the registry, and its result
    // is what the install recipe made.
    t.strictSame(job.steps.filter(step => step.run !== undefined).map(step => step.run!.split('\n')[0]), ['npm ci', 'node_modules/.bin/basic-admin-mock serve > mock.log 2>&1 &', 'npm test', 'kill "$(cat mock.pid)"'])
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    // A free port instead of 3003, which another program on this machine may hold.
    const env = (step: { env?: Record<string, string | number> }, extra: Record<string, string> = {}): Record<string, string> =>
      Object.fromEntries(Object.entries({ ...job.env, ...step.env, BASIC_API_URL: url, PORT: String(port), ...extra }).map(([k, v]) => [k, String(v)]))
    writeFileSync(join(project, 'test', 'contract.mjs'), `// The project's own tests, as npm test runs them in CI.
const url = process.env.BASIC_API_URL
const reset = await fetch(url + '/__admin/reset', { method: 'POST', headers: { authorization: 'Bearer ' + process.env.BASIC_ADMIN_TOKEN } })
const patched = await fetch(url + '/project/proj_example/key/key_ci', { method: 'PATCH', headers: { authorization: 'Bearer basic_key_example_ci_00000000000000000001', 'content-type': 'application/json' }, body: '{"label":"From CI"}' })
console.log('reset', reset.status, JSON.stringify(await reset.json()), 'patch', patched.status, JSON.stringify(await patched.json()).slice(0, 50))
process.exit(reset.status === 200 && patched.status === 200 ? 0 : 1)
`)
    const up = timed('CI start', await bash(t, start.run!, project, env(start)))
    t.equal(up.code, 0, 'the start step succeeds', { stderr: up.stderr })
    t.equal(up.stderr, '', 'nothing printed while waiting')
    const tests = job.steps.find(step => step.run === 'npm test')!
    const result = await run('npm', ['test'], project, { env: consumerEnv(env(tests)) })
    t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
    t.match(result.stdout, 'reset 200 {"created":4} patch 200 {"key":{"id":"key_ci","label":"From CI"')
    // The recipe's own stop, in a shell of its own as each step is: the server must be gone, not only the first
    // process the start step made (npx's shell, once, which left node serving).
    const stop = job.steps.find(step => step.name === 'Stop basic-admin-mock')
    t.match(stop, { if: 'always()' }, 'a last step stops the server, whatever happened before')
    const stopping = await bash(t, stop!.run!, project, env(stop!))
    t.strictSame({ code: stopping.code, stderr: stopping.stderr }, { code: 0, stderr: '' }, 'the stop step succeeds')
    t.strictSame(await leftIn(up.group), [], 'no process of the start step is left')
    await stopped(url)

    // The issue's case: a missing fixture. The step must fail in bounded time, printing the server's own line.
    const other = await freePort()
    const down = timed('CI bad start', await bash(t, start.run!, project, env(start, { SEED_FILE: 'test/missing.json', PORT: String(other), BASIC_API_URL: `http://127.0.0.1:${other}` })))
    t.equal(down.code, 1, 'the step fails')
    t.ok(down.ms < 40_000, `within the 30 s the recipe allows (${down.ms} ms)`)
    t.match(down.stderr, 'basic-admin-mock: SEED_FILE test/missing.json cannot be read (ENOENT): set SEED_FILE to a fixture file this user can read, or unset it for the demo data\n')
    t.notMatch(down.stderr, /curl: \(/, 'no curl noise while waiting')

    // Another server on the port (one an earlier run left listening) answers /ready too: ready means this one.
    const squatter = createHttpServer((req, res) => res.end('{"status":"ok"}'))
    await new Promise<void>(resolve => squatter.listen(0, '127.0.0.1', resolve))
    t.teardown(() => { squatter.close() })
    const taken = (squatter.address() as { port: number }).port
    const clash = await bash(t, start.run!, project, env(start, { PORT: String(taken), BASIC_API_URL: `http://127.0.0.1:${taken}` }))
    t.equal(clash.code, 1, 'the step fails rather than take the other server for this one')
    t.match(clash.stderr, `basic-admin-mock: PORT ${taken} on HOST 127.0.0.1 is already in use (EADDRINUSE)`)
  })

  t.comment(`timings: ${timings.join('; ')}`)
})

t.test('docs/api.md: the operations and control-plane examples, in one shell, against a server started as they say', async t => {
  const dir = t.testdir()
  const server = await serve(t, { DATABASE_PATH: join(dir, 'api.db'), ADMIN_TOKEN: 'my-admin-token-123456' })
  const port = new URL(server.url).port
  const operations = recipe(recipesOf('docs/api.md'), 'operations')
  const result = await bash(t, operations.code, dir, { PORT: port })
  t.equal(result.code, 0, 'exits 0', { stdout: result.stdout, stderr: result.stderr })
  t.equal(result.stderr, '')
  assertOutput(t, result.stdout, operations)

  // The issue's bug, put back: a literal KEY_ID in the path. The comparison must catch it.
  await t.test('the comparison fails when a recipe regresses to the literal KEY_ID', async t => {
    const reset = await bash(t, 'curl -sS -X POST $URL/__admin/reset -H \'Authorization: Bearer my-admin-token-123456\'', dir, { PORT: port, URL: server.url })
    t.equal(reset.code, 0)
    const broken = { ...operations, code: operations.code.replace('/key/$KEY_ID/regenerate', '/key/KEY_ID/regenerate') }
    t.not(broken.code, operations.code)
    const again = await bash(t, broken.code, dir, { PORT: port })
    t.match(compareOutput(again.stdout, shownOutput(broken)), /^expected \{"key":\{"id":"…","label":"CI".*\n but the output goes on with "\{\\"error\\":\\"API key not found\\"\}/)
  })
  t.same(await server.stop(), { code: 0, signal: null })
})
