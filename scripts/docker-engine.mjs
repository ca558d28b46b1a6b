// The docker CLI for scripts/docker-check.mjs: commands with a time limit, the wait for a container's health on the
// engine's own events, and a record of what the check made, so that it removes exactly that and nothing else.
import { spawn, spawnSync } from 'node:child_process'
import { createInterface } from 'node:readline'

/** A failed expectation: `message` says what was wrong, `details` what the engine said (logs, health output). */
export class CheckError extends Error {
  constructor (message, details = '') {
    super(message)
    this.details = details
  }
}

/** Runs a command to its end, or to `timeoutMs` (then killed, code null). Resolves { code, stdout, stderr }. */
export function run (command, args, { timeoutMs = 60_000, env, input, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', chunk => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', chunk => { stderr += chunk })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: signal === 'SIGKILL' ? null : code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

const shown = args => args.map(arg => /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`).join(' ')

/** `docker ARGS` that must succeed; resolves its stdout, trimmed. */
export async function docker (args, { timeoutMs, env, input } = {}) {
  const result = await run('docker', args, { timeoutMs, env, input })
  if (result.code === 0) return result.stdout.trim()
  const how = result.code === null ? `did not finish within ${timeoutMs / 1000} s` : `exited with code ${result.code}`
  throw new CheckError(`docker ${shown(args)} ${how}`, result.stderr + result.stdout)
}

/** `docker compose` (v2) where the CLI has it, else Debian's docker-compose 1.29, which reads the same file. */
export function composeCommand () {
  return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0 ? ['docker', 'compose'] : ['docker-compose']
}

/**
 * Resolves once the engine reports the container healthy by its own HEALTHCHECK; rejects when it turns unhealthy,
 * exits, or `limitMs` passes. Reads `docker events` from `since` (seconds), so no event can slip past unread.
 */
export function waitForHealthy (name, { since, limitMs }) {
  return new Promise((resolve, reject) => {
    const events = spawn('docker', ['events', '--since', String(since), '--filter', `container=${name}`,
      '--filter', 'event=health_status', '--filter', 'event=die', '--format', '{{json .}}'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    events.stderr.setEncoding('utf8').on('data', chunk => { stderr += chunk })
    const finish = (error) => {
      clearTimeout(timer)
      events.kill()
      if (error === undefined) resolve(); else reject(error)
    }
    const timer = setTimeout(() => finish(new CheckError(`${name} did not turn healthy within ${limitMs / 1000} s`)), limitMs)
    createInterface({ input: events.stdout }).on('line', line => {
      const event = JSON.parse(line)
      if (event.status === 'health_status: healthy') finish()
      else if (event.status === 'health_status: unhealthy') finish(new CheckError(`${name} turned unhealthy`))
      else if (event.status === 'die') finish(new CheckError(`${name} exited (code ${event.Actor?.Attributes?.exitCode}) before it turned healthy`))
    })
    events.on('close', code => finish(new CheckError(`docker events stopped (code ${code}) while waiting for ${name}`, stderr)))
  })
}

/**
 * What the check made: containers, volumes and compose projects, removed by cleanUp() whatever happened; and the
 * images and containers of its builds (the legacy builder's output names each), of which cleanUp() removes the
 * images left dangling (each multi-stage build leaves its build and deps stages as untagged images, 2 GB) that were
 * not dangling before the check, and any container a failed step left.
 */
export const made = { containers: new Set(), volumes: new Set(), composeProjects: new Set(), builtImages: new Set(), buildContainers: new Set() }

const dangling = () => {
  const listed = spawnSync('docker', ['images', '--filter', 'dangling=true', '--quiet', '--no-trunc'], { encoding: 'utf8' })
  return new Set(listed.status === 0 ? listed.stdout.split('\n').filter(Boolean) : [])
}
// Read as the check starts: what was dangling then is not the check's to remove.
const danglingBefore = dangling()

/** Notes what a `docker build` made, from its output: `---> <image>` after each step, `---> Running in <container>`. */
export function recordBuild (output) {
  for (const [, id] of output.matchAll(/^ ---> ([0-9a-f]{12})$/gm)) made.builtImages.add(id)
  for (const [, id] of output.matchAll(/^ ---> Running in ([0-9a-f]{12})$/gm)) made.buildContainers.add(id)
}

/** The images its builds made that are dangling now and were not before, removed; resolves their short ids. */
async function removeBuildLeftovers (leftovers) {
  for (const id of made.buildContainers) {
    const removed = await run('docker', ['rm', '--force', id], { timeoutMs: 60_000 })
    if (removed.code !== 0 && !/No such container/i.test(removed.stderr)) leftovers.push(`build container ${id}`)
  }
  const removed = []
  for (const id of dangling()) {
    const short = id.replace(/^sha256:/, '').slice(0, 12)
    if (danglingBefore.has(id) || !made.builtImages.has(short)) continue
    // Without --force: an image a container still uses stays, and is reported. Deleting a stage's layers (hundreds
    // of MB of small files) took over 2 minutes on a loaded machine.
    const rmi = await run('docker', ['rmi', id], { timeoutMs: 15 * 60_000 })
    if (rmi.code === 0 || /No such image/i.test(rmi.stderr)) removed.push(short)
    else leftovers.push(`image ${short} (${rmi.code === null ? 'docker rmi did not finish within 15 minutes' : rmi.stderr.trim().split('\n')[0]})`)
  }
  return removed
}

/** Removes what the check made; resolves { leftovers: what it could not remove, images: the build images removed }. */
export async function cleanUp (compose) {
  const leftovers = []
  for (const project of made.composeProjects) {
    const down = await run(compose[0], [...compose.slice(1), '-p', project, 'down', '--volumes', '--remove-orphans', '--timeout', '5'], { timeoutMs: 120_000 })
    if (down.code !== 0) leftovers.push(`compose project ${project}`)
  }
  for (const name of made.containers) {
    const removed = await run('docker', ['rm', '--force', '--volumes', name], { timeoutMs: 60_000 })
    if (removed.code !== 0 && !/No such container/i.test(removed.stderr)) leftovers.push(`container ${name}`)
  }
  for (const volume of made.volumes) {
    const removed = await run('docker', ['volume', 'rm', volume], { timeoutMs: 60_000 })
    if (removed.code !== 0 && !/no such volume/i.test(removed.stderr)) leftovers.push(`volume ${volume}`)
  }
  const images = await removeBuildLeftovers(leftovers)
  return { leftovers, images }
}
