#!/usr/bin/env node
// The Docker check (`npm run docker:check`, run by .ci/run after npm test): builds the image with a real engine and
// runs it as the documentation says, failing at the first problem with what was expected and what the engine said.
// It runs the docker-build, docker-run, demo-PATCH, GitHub Actions, docker-compose and parallel-suites recipes of the
// documentation, with only their host port and volume swapped for its own, the version label's build argument added
// (and no --rm, so that a failed container's logs can be shown), the image with HTTPS, and the Testcontainers module's
// check (scripts/testcontainers-check.mjs); it removes every container, volume and network it made, and the images
// its builds left dangling.
// Needs a Docker engine and curl; builds with the legacy builder unless DOCKER_BUILDKIT says otherwise (docs/docker.md).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { generate as selfSigned } from 'selfsigned'
import { parse as parseYaml } from 'yaml'
import { CheckError, cleanUp, composeCommand, docker, made, recordBuild, run, waitForHealthy } from './docker-engine.mjs'
import { readRecipe } from './recipes.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const IMAGE = 'basic-admin-mock' // the README's docker build -t basic-admin-mock ., and every recipe's image
const STOP_GRACE_S = 10 // docker stop's default
const prefix = `basic-admin-mock-check-${process.pid}`
const compose = composeCommand()
const env = { DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT ?? '0' } // BuildKit fetches its frontend from Docker Hub
const log = line => process.stdout.write(`docker-check: ${line}\n`)
const times = []

async function step (name, action) {
  const started = performance.now()
  const note = await action()
  const ms = performance.now() - started
  times.push([name, ms])
  log(`ok ${name} (${(ms / 1000).toFixed(1)} s)${note ? `: ${note}` : ''}`)
}

function expect (ok, message, details) {
  if (!ok) throw new CheckError(message, details)
}

/** `text` with `from` (a string found exactly once, or a pattern) replaced: a recipe that no longer has it fails. */
function swap (text, from, to, recipe) {
  const found = typeof from === 'string' ? text.split(from).length - 1 : [...text.matchAll(from)].length
  expect(found === 1, `the ${recipe} recipe should contain ${from} once, found ${found} in:\n${text}`)
  return text.replace(from, to)
}

/** A recipe's `docker build`, with the version label's build argument (as the release passes it); its output noted. */
async function build (recipe, text, cwd) {
  const command = swap(text, /^docker build /gm, `docker build --build-arg VERSION=${pkg.version} `, recipe)
  const result = await run('bash', ['-eo', 'pipefail', '-c', command], { cwd, env, timeoutMs: 20 * 60_000 })
  recordBuild(result.stdout)
  expect(result.code === 0, `the ${recipe} recipe's build failed: ${command}`, result.stderr + result.stdout.slice(-3000))
}

/** The README's `docker run`, detached under our name, on a free host port, our volume and the image just built. */
function dockerRun (name, volume, edit = text => text) {
  let text = readRecipe(root, 'docker-run').trimEnd()
  expect(text.endsWith(` ${IMAGE}`), `the docker-run recipe should run ${IMAGE}, the image the docker-build recipe tags:\n${text}`)
  text = swap(text, /^docker run --rm /g, `docker run --detach --name ${name} `, 'docker-run')
  text = swap(text, ' -p 3003:3003 ', ' -p 127.0.0.1::3003 ', 'docker-run')
  text = edit(swap(text, ' -v basic-admin-data:/data ', ` -v ${volume}:/data `, 'docker-run'))
  made.containers.add(name)
  made.volumes.add(volume)
  return run('sh', ['-c', text], { timeoutMs: 60_000 }).then(result => expect(result.code === 0, `the docker-run recipe failed: ${text}`, result.stderr))
}

async function startHealthy (name, limitMs, start) {
  const since = Math.floor(Date.now() / 1000) - 1
  const started = performance.now()
  await start()
  try {
    await waitForHealthy(name, { since, limitMs })
  } catch (error) {
    const logs = await run('docker', ['logs', '--tail', '40', name])
    const health = await run('docker', ['inspect', '--format', '{{json .State.Health}}', name])
    error.details = `${error.details}\ndocker logs:\n${logs.stdout}${logs.stderr}\nhealth: ${health.stdout}`
    throw error
  }
  const port = (await docker(['port', name, '3003/tcp'])).split('\n')[0]
  return { base: `127.0.0.1:${port.split(':').at(-1)}`, healthyMs: performance.now() - started }
}

const freePort = () => new Promise((resolve, reject) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    server.close(() => resolve(port))
  }).on('error', reject)
})

async function check () {
  let image, health, limitMs, base, healthyMs
  await step('build: the docker-build recipe', async () => {
    const recipe = readRecipe(root, 'docker-build')
    expect(recipe === `docker build -t ${IMAGE} .\n`, `the docker-build recipe should be docker build -t ${IMAGE} . (the name every recipe runs), not:\n${recipe}`)
    log(`build: ${recipe.trim()} (minutes the first time, seconds from the layer cache)`)
    await build('docker-build', recipe, root)
    image = JSON.parse(await docker(['image', 'inspect', IMAGE]))[0]
    return `${IMAGE}, ${(image.Size / 1e6).toFixed(1)} MB`
  })

  await step('image: OCI labels, user node, no compiler, no dev dependency, no npm cache', async () => {
    const labels = image.Config.Labels ?? {}
    const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
    const wanted = { source: repository, version: pkg.version, licenses: pkg.license, description: pkg.description }
    for (const [key, value] of Object.entries(wanted)) {
      expect(labels[`org.opencontainers.image.${key}`] === value, `label org.opencontainers.image.${key} is ${labels[`org.opencontainers.image.${key}`]}, not ${value}`)
    }
    expect(image.Config.User === 'node', `the image runs as ${image.Config.User || 'root'}, not node`)
    health = image.Config.Healthcheck
    expect(health?.Test?.[0] === 'CMD' && health.Test.join(' ').includes('/health'), 'the image has no HEALTHCHECK on /health')
    const dev = Object.entries(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages).filter(([, p]) => p.dev).map(([path]) => path)
    const inside = JSON.parse(await docker(['run', '--rm', '--interactive', '--user', 'root', IMAGE, 'node', '-e', `
      const { existsSync } = require('node:fs'); const { execSync } = require('node:child_process')
      const dev = require('node:fs').readFileSync(0, 'utf8').split('\\n').filter(path => existsSync('/app/' + path))
      const tools = ['gcc', 'g++', 'cc', 'make', 'python3'].filter(tool => execSync('command -v ' + tool + ' || true').length > 0)
      const caches = ['/root/.npm', '/home/node/.npm', '/root/.cache', '/home/node/.cache'].filter(existsSync)
      console.log(JSON.stringify({ dev, tools, caches }))`], { input: dev.join('\n') }))
    expect(inside.tools.length === 0, `the runtime has build tools: ${inside.tools.join(', ')}`)
    expect(inside.dev.length === 0, `the runtime has ${inside.dev.length} dev dependencies, e.g. ${inside.dev.slice(0, 5).join(', ')}`)
    expect(inside.caches.length === 0, `the runtime has caches: ${inside.caches.join(', ')}`)
    // Start period, then each try's interval and timeout, doubled: a margin for a busy machine, not an expectation.
    limitMs = 2 * (health.StartPeriod + (health.Retries + 1) * (health.Interval + health.Timeout)) / 1e6
    return `version ${pkg.version}, user node, ${dev.length} dev packages absent`
  })

  const volume = `${prefix}-data`
  await step('run: the docker-run recipe turns healthy by its own HEALTHCHECK', async () => {
    ({ base, healthyMs } = await startHealthy(`${prefix}-1`, limitMs, () => dockerRun(`${prefix}-1`, volume)))
    return `after ${(healthyMs / 1000).toFixed(1)} s, on ${base}`
  })

  await step('init: a non-root user, an init as PID 1', async () => {
    const processes = JSON.parse(await docker(['exec', `${prefix}-1`, 'node', '-e', `
      const fs = require('node:fs'); const field = (s, k) => new RegExp('^' + k + ':\\\\s+(\\\\S+)', 'm').exec(s)[1]
      console.log(JSON.stringify(fs.readdirSync('/proc').filter(p => /^\\d+$/.test(p)).map(pid => {
        const status = fs.readFileSync('/proc/' + pid + '/status', 'utf8')
        return { pid: Number(pid), ppid: Number(field(status, 'PPid')), uid: Number(field(status, 'Uid')), cmd: fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0').join(' ').trim() }
      })))`]))
    const init = processes.find(p => p.pid === 1)
    const server = processes.find(p => p.ppid === 1 && p.cmd.includes('cli.js serve'))
    expect(/^\/usr\/bin\/tini\b/.test(init.cmd), `PID 1 is ${init.cmd}, not tini`, JSON.stringify(processes))
    expect(server !== undefined, 'no server process is a child of PID 1', JSON.stringify(processes))
    expect(init.uid !== 0 && server.uid !== 0, `runs as uid ${init.uid} (init) and ${server.uid} (node)`)
    return `PID 1 ${init.cmd.split(' ')[0]}, server uid ${server.uid}`
  })

  const patch = readRecipe(root, 'docker-demo-patch').trimEnd()
  const sent = JSON.parse(/-d '(\{[^']*\})'/.exec(patch)[1])
  const bearer = /Bearer (basic_key_\w+)/.exec(patch)[1]
  await step('patch: the demo PATCH recipe answers 200', async () => {
    const command = swap(patch, 'http://127.0.0.1:3003/', `http://${base}/`, 'docker-demo-patch') + " -w '\\n%{http_code}'"
    const result = await run('sh', ['-c', command])
    const [body, status] = [result.stdout.slice(0, result.stdout.lastIndexOf('\n')), result.stdout.split('\n').at(-1)]
    expect(result.code === 0 && status === '200', `the demo PATCH answered ${status}, not 200: ${command}`, result.stdout + result.stderr)
    const { key } = JSON.parse(body)
    expect(key.id === 'key_demo' && key.label === sent.label && key.roles === sent.roles, `the PATCH answered ${body}`)
    return body
  })

  await step(`stop: docker stop exits 0 well inside its ${STOP_GRACE_S} s grace period`, async () => {
    const started = performance.now()
    await docker(['stop', '--time', String(STOP_GRACE_S), `${prefix}-1`], { timeoutMs: 60_000 })
    const ms = performance.now() - started
    const code = await docker(['inspect', '--format', '{{.State.ExitCode}}', `${prefix}-1`])
    expect(code === '0', `the container exited with code ${code} after docker stop`)
    expect(ms < STOP_GRACE_S * 1000 / 2, `docker stop took ${(ms / 1000).toFixed(1)} s, more than half its grace period`)
    return `${(ms / 1000).toFixed(1)} s, exit code 0`
  })

  await step('volume: a new container on the same volume keeps the change', async () => {
    const { base } = await startHealthy(`${prefix}-2`, limitMs, () => dockerRun(`${prefix}-2`, volume))
    const res = await fetch(`http://${base}/project/proj_demo/key/key_demo`, { headers: { authorization: `Bearer ${bearer}` } })
    const body = await res.text()
    expect(res.status === 200 && JSON.parse(body).key.label === sent.label, `the key reads ${res.status} ${body}`)
    await docker(['stop', `${prefix}-2`], { timeoutMs: 60_000 })
    return body
  })

  await step('HTTPS: TLS_CERT and TLS_KEY on a mounted folder, HTTPS_PORT beside PORT; curl trusting the certificate gets a PATCH through, the HEALTHCHECK stays on HTTP', async () => {
    const name = `${prefix}-https`
    const tls = mkdtempSync(join(tmpdir(), 'basic-admin-mock-check-tls-'))
    try {
      // The server runs as node: it must read the folder and the key (a throw-away key for this check alone).
      const pems = await selfSigned([{ name: 'commonName', value: 'localhost' }], { keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }] })
      writeFileSync(join(tls, 'cert.pem'), pems.cert)
      writeFileSync(join(tls, 'key.pem'), pems.private)
      for (const [path, mode] of [[tls, 0o755], [join(tls, 'cert.pem'), 0o644], [join(tls, 'key.pem'), 0o644]]) chmodSync(path, mode)
      await startHealthy(name, limitMs, () => dockerRun(name, `${prefix}-https-data`, text => swap(text, / basic-admin-mock$/g,
        ` -e HTTPS_PORT=3443 -e TLS_CERT=/tls/cert.pem -e TLS_KEY=/tls/key.pem -v ${tls}:/tls:ro -p 127.0.0.1::3443 ${IMAGE}`, 'docker-run')))
      const port = (await docker(['port', name, '3443/tcp'])).split('\n')[0].split(':').at(-1)
      const url = `https://localhost:${port}/project/proj_demo/key/key_demo`
      const curl = ['-sS', '--cacert', join(tls, 'cert.pem'), '-X', 'PATCH', '-H', `Authorization: Bearer ${bearer}`, '-H', 'Content-Type: application/json', '-d', '{"label":"Over HTTPS"}', '-w', '\n%{http_code}']
      const result = await run('curl', [...curl, url])
      expect(result.code === 0 && result.stdout.endsWith('\n200') && JSON.parse(result.stdout.split('\n')[0]).key.label === 'Over HTTPS', `curl --cacert ${url} answered`, result.stdout + result.stderr)
      // A name the certificate does not list is a refused handshake (curl's 60), never an answer.
      const wrong = await run('curl', ['-sS', '--cacert', join(tls, 'cert.pem'), '--resolve', `wrong.test:${port}:127.0.0.1`, `https://wrong.test:${port}/health`])
      expect(wrong.code === 60, `curl to https://wrong.test exited with ${wrong.code}, not 60 (certificate name mismatch)`, wrong.stdout + wrong.stderr)
      await docker(['stop', name], { timeoutMs: 60_000 })
      const code = await docker(['inspect', '--format', '{{.State.ExitCode}}', name])
      expect(code === '0', `the HTTPS container exited with code ${code} after docker stop`)
      return `healthy, PATCH over https://localhost:${port} 200, wrong.test refused (curl 60), exit 0`
    } finally {
      rmSync(tls, { recursive: true, force: true })
    }
  })

  await step('bad setting: a short JWT_SECRET stops the container with one line in docker logs', async () => {
    const name = `${prefix}-3`
    await dockerRun(name, `${prefix}-bad`, text => swap(text, /JWT_SECRET=\S+/g, 'JWT_SECRET=too-short', 'docker-run'))
    const code = (await docker(['wait', name], { timeoutMs: 60_000 }))
    const logs = await run('docker', ['logs', name])
    const lines = (logs.stdout + logs.stderr).split('\n').filter(line => line !== '')
    expect(code === '1', `the container exited with code ${code}, not 1`, logs.stdout + logs.stderr)
    expect(lines.length === 1 && /^basic-admin-mock: .*JWT_SECRET/.test(lines[0]), 'docker logs is not one line naming JWT_SECRET', lines.join('\n'))
    return lines[0]
  })

  await step('GitHub Actions: the docker-github-actions job builds the image from its checkout of the clone, starts it healthy, and its token opens the control plane', async () => {
    const job = Object.values(parseYaml(readRecipe(root, 'docker-github-actions')).jobs)[0]
    const checkout = job.steps.find(s => s.with?.repository !== undefined)
    const building = job.steps.find(s => /^docker build /.test(s.run ?? ''))
    const start = job.steps.find(s => /^docker run /.test(s.run ?? ''))
    expect(checkout?.with.path !== undefined && building !== undefined && start !== undefined, 'the GitHub Actions recipe should check out the clone into a path, build the image there and start it', JSON.stringify(job.steps))
    // The job's workspace: this clone where the recipe checks it out.
    const workspace = mkdtempSync(join(tmpdir(), 'basic-admin-mock-check-'))
    symlinkSync(root, join(workspace, checkout.with.path))
    const stepEnv = step => Object.fromEntries(Object.entries({ ...job.env, ...step.env }).map(([k, v]) => [k, String(v)]))
    try {
      await build('docker-github-actions', building.run, workspace)
      const text = swap(start.run, ' -p 3003:3003 ', ' -p 127.0.0.1::3003 ', 'docker-github-actions')
      // GitHub runs `shell: bash` as bash --noprofile --norc -eo pipefail.
      const begun = performance.now()
      const started = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', text], { cwd: workspace, env: { ...env, ...stepEnv(start) }, timeoutMs: limitMs + 60_000 })
      const cidfile = join(workspace, 'mock.cid')
      const id = existsSync(cidfile) ? readFileSync(cidfile, 'utf8').trim() : undefined
      if (id !== undefined) made.containers.add(id)
      expect(started.code === 0 && id !== undefined, `the GitHub Actions recipe's start step exited with ${started.code}`, started.stdout + started.stderr)
      const health = await docker(['inspect', '--format', '{{.State.Health.Status}}', id])
      expect(health === 'healthy', `the start step ended with the container ${health}, not healthy`)
      const port = (await docker(['port', id, '3003/tcp'])).split('\n')[0].split(':').at(-1)
      const res = await fetch(`http://127.0.0.1:${port}/__admin/reset`, { method: 'POST', headers: { authorization: `Bearer ${job.env.BASIC_ADMIN_TOKEN}` } })
      expect(res.status === 200, `POST /__admin/reset with the job's BASIC_ADMIN_TOKEN answered ${res.status}`, await res.text())
      await docker(['stop', id], { timeoutMs: 60_000 })
      return `healthy ${((performance.now() - begun) / 1000).toFixed(1)} s after the start step began; ${Object.keys(start.env ?? {}).join(', ')} accepted`
    } finally {
      rmSync(workspace, { recursive: true, force: true })
    }
  })

  await step('compose: with the docker-compose recipe, the mock turns healthy and the example client exits 0', async () => {
    const file = parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8'))
    expect(isDeepStrictEqual(parseYaml(readRecipe(root, 'docker-compose')), file), "docs/docker.md's docker-compose recipe is not docker-compose.yml")
    const project = `${prefix}-compose`
    made.composeProjects.add(project)
    const args = [...compose.slice(1), '-p', project, '-f', 'docker-compose.yml', 'up', '--no-build', '--no-color', '--exit-code-from', 'example-client']
    const up = await run(compose[0], args, { env: { BASIC_ADMIN_MOCK_PORT: String(await freePort()) }, timeoutMs: limitMs + 120_000 })
    const said = up.stdout + up.stderr
    expect(up.code === 0 && /\| 200 \{"key"/.test(said), `${compose.join(' ')} up exited with ${up.code}; the client should print 200`, said)
    // Its healthcheck ran every 2 s until the client could start: a passing one logs at debug only.
    expect(!/"url":"\/health"/.test(said), 'the mock logged a line for a passing health check', said)
    return (/\| (200 .*)$/m.exec(said)?.[1] ?? '').slice(0, 80)
  })

  await step('parallel suites: the docker-parallel-suites recipe, two suites of one mock in two namespaces, each sees only its own writes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'basic-admin-mock-check-')), 'parallel.yml')
    const recipe = readRecipe(root, 'docker-parallel-suites')
    expect(parseYaml(recipe).services['basic-admin-mock']?.image === IMAGE, `the docker-parallel-suites recipe's mock should run the image ${IMAGE}`)
    writeFileSync(file, recipe)
    const project = `${prefix}-parallel`
    made.composeProjects.add(project)
    const base = [...compose.slice(1), '-p', project, '-f', file]
    const up = await run(compose[0], [...base, 'up', '--detach', '--no-build'], { timeoutMs: limitMs + 120_000 })
    expect(up.code === 0, `${compose.join(' ')} up --detach exited with ${up.code}`, up.stdout + up.stderr)
    const codes = []
    for (const suite of ['suite-a', 'suite-b']) {
      const id = (await run(compose[0], [...base, 'ps', '-q', suite])).stdout.trim()
      codes.push(await docker(['wait', id], { timeoutMs: limitMs + 60_000 }))
    }
    const logs = await run(compose[0], [...base, 'logs', '--no-color', 'suite-a', 'suite-b'])
    const said = logs.stdout + logs.stderr
    expect(codes.every(code => code === '0') && /suite-a saw only its own writes/.test(said) && /suite-b saw only its own writes/.test(said),
      `the suites exited with ${codes.join(' and ')}; each should print that it saw only its own writes and exit 0`, said)
    const down = await run(compose[0], [...base, 'down', '--volumes', '--timeout', '5'], { timeoutMs: 120_000 })
    if (down.code === 0) made.composeProjects.delete(project)
    return 'both exited 0'
  })
  await step('Testcontainers: basic-admin-mock/testcontainers starts the image, its control plane answers over HTTP, each stop exits 0 and nothing is left (scripts/testcontainers-check.mjs)', async () => {
    const node = await nodeForTestcontainers()
    const result = await run(node, [join(root, 'scripts', 'testcontainers-check.mjs')], { timeoutMs: 15 * 60_000 })
    process.stdout.write(result.stdout)
    expect(result.code === 0, `scripts/testcontainers-check.mjs exited with ${result.code}`, result.stderr)
    return /start\(\) to a first answer.*: (median .*)$/m.exec(result.stdout)?.[1]
  })
  return { size: image.Size, healthyMs }
}

/**
 * A Node testcontainers 12 runs on (22.19 or newer; its undici needs it): this one, or the Dockerfile's from the npm
 * package node-<platform>-<arch>@<major> (as .ci/run gets it; npm's cache keeps it), unpacked into a folder removed at exit.
 */
async function nodeForTestcontainers () {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major > 22 || (major === 22 && minor >= 19)) return process.execPath
  const lts = /^FROM node:(\d+)-bookworm-slim/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))[1]
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-mock-check-node-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const packed = await run('npm', ['pack', `node-${process.platform}-${process.arch}@${lts}`, '--silent'], { cwd: dir, timeoutMs: 10 * 60_000 })
  expect(packed.code === 0, `Node ${process.versions.node} cannot run testcontainers 12, and npm pack node-${process.platform}-${process.arch}@${lts} failed`, packed.stderr)
  mkdirSync(join(dir, 'node'))
  const unpacked = await run('tar', ['-xzf', join(dir, packed.stdout.trim().split('\n').at(-1)), '-C', join(dir, 'node'), '--strip-components=1'])
  expect(unpacked.code === 0, 'could not unpack the Node package', unpacked.stderr)
  log(`Node ${process.versions.node} cannot run testcontainers 12 (22.19 or newer): using Node ${lts} from npm's node-${process.platform}-${process.arch}`)
  return join(dir, 'node', 'bin', 'node')
}

const started = performance.now()
let failed = false
// Interrupted, or a fault outside the awaited steps: still remove what it made.
const abort = (why, code) => { log(`${why}: removing what it made`); cleanUp(compose).finally(() => process.exit(code)) }
process.once('SIGINT', () => abort('interrupted', 130)).once('SIGTERM', () => abort('interrupted', 143))
process.once('uncaughtException', error => abort(`FAILED: ${error.stack}`, 1))
try {
  process.chdir(root)
  const { size, healthyMs } = await check()
  log(`passed in ${((performance.now() - started) / 1000).toFixed(1)} s: image ${(size / 1e6).toFixed(1)} MB, healthy ${(healthyMs / 1000).toFixed(1)} s after docker run`)
  log(`step times: ${times.map(([name, ms]) => `${name.split(':')[0]} ${(ms / 1000).toFixed(1)} s`).join(', ')}`)
} catch (error) {
  failed = true
  log(`FAILED: ${error.message}`)
  if (error.details) process.stdout.write(`${error.details.trim()}\n`)
  if (!(error instanceof CheckError)) process.stdout.write(`${error.stack}\n`)
} finally {
  const { leftovers, images } = await cleanUp(compose)
  if (images.length > 0) log(`removed ${images.length} dangling image(s) its builds left (the legacy builder's stages): ${images.join(', ')}`)
  if (leftovers.length > 0) log(`could not remove: ${leftovers.join(', ')}`)
  process.exitCode = failed || leftovers.length > 0 ? 1 : 0
}
