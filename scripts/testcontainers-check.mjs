#!/usr/bin/env node
// The Testcontainers module against a real engine (docs/testcontainers.md), run by the Docker check once it has built
// the image, under a Node that testcontainers 12 runs on (22.19 or newer). The module is installed as a user gets it:
// its package.json and dist/src/testcontainers/ in node_modules/basic-admin-mock of a scratch project inside lab/,
// whose node_modules has testcontainers. Runs the page's recipes, then the module's promises one by one, and
// fails when a container, volume or network of its own is left behind.
// Usage: node scripts/testcontainers-check.mjs (after npm run build and docker build -t basic-admin-mock; the lab installed).
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { readRecipe } from './recipes.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const IMAGE = 'basic-admin-mock' // the docker-build recipe's name, which the recipes start
const RUNS = 5 // start() to a first answer, median of these
const log = line => process.stdout.write(`testcontainers: ${line}\n`)
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const DEMO_BEARER = 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem' // the demo data's key_demo

class CheckFailure extends Error {}
function expect (ok, message) {
  if (!ok) throw new CheckFailure(message)
}

function run (command, args, { cwd = root, env = {}, timeoutMs = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', chunk => { out += chunk })
    child.stderr.setEncoding('utf8').on('data', chunk => { out += chunk })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => { clearTimeout(timer); resolve({ code, out }) })
  })
}
const docker = async (...args) => (await run('docker', args)).out.trim()

// Ryuk's image comes from Docker Hub; offline (CI here) only the module's own stop() cleans up, which this checks.
if ((process.env.TESTCONTAINERS_RYUK_DISABLED ?? '') === '' && (await run('docker', ['image', 'inspect', 'testcontainers/ryuk:0.14.0'])).code !== 0) {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true'
  log('testcontainers/ryuk:0.14.0 is not on this engine (Docker Hub is out of reach): TESTCONTAINERS_RYUK_DISABLED=true, the module\'s stop() removes what it started')
}

// The scratch project: the package as installed, with lab's testcontainers found by walking up to lab/node_modules.
const scratch = join(root, 'lab', '.recipes', `testcontainers-${process.pid}`)
const installed = join(scratch, 'node_modules', 'basic-admin-mock')
mkdirSync(join(installed, 'dist', 'src'), { recursive: true })
cpSync(join(root, 'package.json'), join(installed, 'package.json'))
cpSync(join(root, 'dist', 'src', 'testcontainers'), join(installed, 'dist', 'src', 'testcontainers'), { recursive: true })
writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'testcontainers-check', private: true, type: 'module' }))
const { BasicAdminMockContainer, BasicAdminMockError } = await import(pathToFileURL(join(installed, 'dist', 'src', 'testcontainers', 'index.js')).href)

/** What Testcontainers makes (its label on containers and networks) and volumes no container uses, to compare after. */
const ids = async (...args) => (await docker(...args)).split('\n').filter(Boolean)
const inventory = async () => ({
  containers: await ids('ps', '-aq', '--no-trunc', '--filter', 'label=org.testcontainers=true'),
  volumes: await ids('volume', 'ls', '-q', '--filter', 'dangling=true'),
  networks: await ids('network', 'ls', '-q', '--no-trunc', '--filter', 'label=org.testcontainers=true')
})
const before = await inventory()

/** Stops a started container, keeping it to read its exit code, then removes it and its volumes. */
async function stopAndExitCode (started) {
  const id = started.getId()
  await started.stop({ remove: false })
  const code = await docker('inspect', '--format', '{{.State.ExitCode}}', id)
  await docker('rm', '--volumes', id)
  return code
}

async function patch (mock, { project = 'proj_demo', key = 'key_demo', bearer = DEMO_BEARER, label }) {
  const res = await fetch(`${mock.getUrl()}/project/${project}/key/${key}`, { method: 'PATCH', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' }, body: JSON.stringify({ label }) })
  return { status: res.status, body: await res.json() }
}

async function step (name, action) {
  const started = performance.now()
  const note = await action()
  log(`ok ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`)
}

// The README's fixture (test/fixture.json): a user, a project with its owner, a key.
const fixture = JSON.parse(readRecipe(root, 'fixture'))
const file = join(scratch, 'fixture.json')
writeFileSync(file, JSON.stringify(fixture))

async function check () {
  for (const [name, file] of [['docker-testcontainers', 'mock.test.mjs'], ['docker-testcontainers-network', 'network.mjs']]) {
    await step(`recipe ${name}: runs as written in a project that installed the package and testcontainers`, async () => {
      const text = readRecipe(root, name)
      writeFileSync(join(scratch, file), text)
      // Its first line names the command: `// mock.test.mjs (run: node --test)`, run with this Node.
      const args = /^\/\/ \S+ \(run: node(.*)\)$/m.exec(text)[1].split(' ').filter(Boolean)
      const result = await run(process.execPath, args.includes(file) ? args : [...args, file], { cwd: scratch })
      expect(result.code === 0, `the ${name} recipe exited with ${result.code}:\n${result.out}`)
      return result.out.split('\n').find(line => /^ℹ pass \d|reached/.test(line))
    })
  }

  await step(`start() to a first answer (a PATCH), median of ${RUNS}; stop() exits 0 each time`, async () => {
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const begun = performance.now()
      const mock = await new BasicAdminMockContainer(IMAGE).start()
      let code
      try {
        const answer = await patch(mock, { label: `run ${i}` })
        times.push(performance.now() - begun)
        expect(answer.status === 200 && answer.body.key.label === `run ${i}`, `the PATCH answered ${answer.status} ${JSON.stringify(answer.body)}`)
      } finally {
        code = await stopAndExitCode(mock)
      }
      expect(code === '0', `the container exited with ${code} after stop(), not 0`)
    }
    return `median ${(median(times) / 1000).toFixed(2)} s (runs: ${times.map(ms => (ms / 1000).toFixed(2)).join(', ')} s)`
  })

  await step('the control plane over HTTP: PATCH, journal, count, coverage, faults, tokens, namespaces, reset', async () => {
    const mock = await new BasicAdminMockContainer(IMAGE).withAdminToken('a-token-of-my-own-0123').withClock('2030-01-01T00:00:00.000Z').withLogLevel('warn').withCorsOrigin(['http://localhost:5173']).start()
    try {
      expect(mock.getAdminToken() === 'a-token-of-my-own-0123', `getAdminToken() is ${mock.getAdminToken()}`)
      const answer = await patch(mock, { label: 'Renamed' })
      // CLOCK: the clock starts at the instant and moves 1 ms per write.
      const { updated_at: at, ...rest } = answer.body.key ?? {}
      expect(answer.status === 200 && isDeepStrictEqual(rest, { id: 'key_demo', label: 'Renamed', roles: 'admin' }) && /^2030-01-01T00:00:00\.0\d\dZ$/.test(at), `the PATCH answered ${JSON.stringify(answer)}`)
      const journal = await mock.requests({ operation: 'updateApiKey' })
      expect(journal.length === 1 && journal[0].status === 200 && journal[0].path === '/project/proj_demo/key/key_demo', `requests() is ${JSON.stringify(journal)}`)
      expect(await mock.count({ operation: 'updateApiKey', status: '2xx' }) === 1, 'count() is not 1')
      const coverage = await mock.coverage()
      expect(JSON.stringify(coverage).includes('updateApiKey'), `coverage() does not name updateApiKey: ${JSON.stringify(coverage).slice(0, 300)}`)
      const preflight = await fetch(`${mock.getUrl()}/project/proj_demo/key/key_demo`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PATCH' } })
      expect(preflight.headers.get('access-control-allow-origin') === 'http://localhost:5173', `the CORS preflight answered ${preflight.status} without the origin`)
      const fault = await mock.faults.add({ operation: 'updateApiKey', status: 503, times: 1 })
      expect((await mock.faults.list()).length === 1 && fault.id !== undefined, 'faults.list() does not hold the rule')
      expect((await patch(mock, { label: 'x' })).status === 503, 'the fault rule did not answer 503')
      await mock.faults.clear()
      const refused = await mock.faults.add({ operation: 'noSuchOperation', status: 503 }).then(() => undefined, error => error)
      expect(refused instanceof BasicAdminMockError && refused.status === 400, `a bad fault rule was not a BasicAdminMockError 400: ${refused}`)
      const token = await mock.token('user_demo')
      const read = await fetch(`${mock.getUrl()}/project/proj_demo/key/key_demo`, { headers: { authorization: `Bearer ${token}` } })
      expect(read.status === 200, `GET with token() answered ${read.status}`)
      const suite = mock.namespace('suite-a')
      await suite.reset()
      const names = (await mock.namespaces()).map(row => row.name).sort()
      expect(isDeepStrictEqual(names, ['default', 'suite-a']), `namespaces() is ${names}`)
      expect(await suite.drop() === true && await suite.drop() === false, 'drop() is not true then false')
      const created = await mock.loadFixture(file)
      const loaded = await patch(mock, { project: 'proj_example', key: 'key_ci', bearer: 'basic_key_example_ci_00000000000000000001', label: 'Loaded' })
      expect(created === 4 && loaded.status === 200, `loadFixture() created ${created} rows (not 4: a user, a project, a member, a key) and its key answered ${loaded.status}`)
      await mock.reset()
      const after = await fetch(`${mock.getUrl()}/project/proj_demo/key/key_demo`, { headers: { authorization: `Bearer ${token}` } }).then(res => res.json())
      expect(after.key.label !== 'Renamed', `reset() kept the label: ${JSON.stringify(after)}`)
      return `${journal.length} journaled PATCH, ${created} rows loaded, a 503 fault, a 400 as BasicAdminMockError, namespaces ${names.join(', ')}`
    } finally {
      expect(await stopAndExitCode(mock) === '0', 'the container did not exit 0 after stop()')
    }
  })

  await step('a container from a fixture: an object, then a file', async () => {
    for (const given of [fixture, file]) {
      const mock = await new BasicAdminMockContainer(IMAGE).withFixture(given).start()
      try {
        const mine = await patch(mock, { project: 'proj_example', key: 'key_ci', bearer: 'basic_key_example_ci_00000000000000000001', label: 'From the fixture' })
        expect(mine.status === 200 && mine.body.key.label === 'From the fixture', `the fixture's key answered ${JSON.stringify(mine)}`)
        expect((await patch(mock, { label: 'demo' })).status === 401, 'the demo key is there beside the fixture')
      } finally {
        expect(await stopAndExitCode(mock) === '0', 'the container did not exit 0 after stop()')
      }
    }
    const missing = (() => { try { new BasicAdminMockContainer(IMAGE).withFixture(join(scratch, 'none.json')) } catch (error) { return error.code } })()
    expect(missing === 'ENOENT', `a missing fixture file is ${missing}, not ENOENT at withFixture()`)
    return 'proj_example/key_ci answers, key_demo is 401; a missing file is ENOENT at withFixture()'
  })

  await step('two containers side by side: each its own port, data and journal', async () => {
    const [a, b] = await Promise.all([new BasicAdminMockContainer(IMAGE).start(), new BasicAdminMockContainer(IMAGE).start()])
    try {
      expect(a.getUrl() !== b.getUrl() && a.getAdminToken() !== b.getAdminToken(), 'the two share a URL or a token')
      expect((await patch(a, { label: 'only a' })).status === 200, 'the PATCH of a failed')
      const readB = await fetch(`${b.getUrl()}/project/proj_demo/key/key_demo`, { headers: { authorization: `Bearer ${await b.token('user_demo')}` } }).then(res => res.json())
      expect(readB.key.label !== 'only a', 'b sees the PATCH sent to a')
      expect(await a.count({ operation: 'updateApiKey' }) === 1 && await b.count({ operation: 'updateApiKey' }) === 0, 'the journals are not apart')
      const wrongToken = await fetch(`${b.getUrl()}/__admin/requests`, { headers: { authorization: `Bearer ${a.getAdminToken()}` } })
      expect(wrongToken.status === 404, `a's token opened b's control plane (${wrongToken.status})`)
      return `${a.getUrl()} and ${b.getUrl()}`
    } finally {
      const codes = await Promise.all([a, b].map(stopAndExitCode))
      expect(codes.every(code => code === '0'), `the containers exited with ${codes.join(' and ')}`)
    }
  })
}

let failed = false
try {
  await check()
} catch (error) {
  failed = true
  log(`FAILED: ${error instanceof CheckFailure ? error.message : error.stack}`)
} finally {
  rmSync(scratch, { recursive: true, force: true })
  const after = await inventory()
  const left = Object.entries(after).flatMap(([kind, ids]) => ids.filter(id => !before[kind].includes(id)).map(id => `${kind.slice(0, -1)} ${id.slice(0, 12)}`))
  if (left.length > 0) {
    failed = true
    log(`FAILED: left behind: ${left.join(', ')}`)
  } else log('ok nothing left behind: no container, volume or network the check made')
  process.exitCode = failed ? 1 : 0
}
