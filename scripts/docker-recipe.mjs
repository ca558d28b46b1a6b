#!/usr/bin/env node
// Replays the Dockerfile without a Docker engine (none runs where this project is built): each stage in a folder
// standing for its root, the same COPY, RUN, ENV and USER, then the final ENTRYPOINT + CMD with the final
// environment and docker-compose.yml's settings, its HEALTHCHECK, the compose example client's request, SIGTERM
// and a restart on the same volume. An instruction or flag it does not know fails the run, so the Dockerfile
// cannot drift away from what this checks. Usage: node scripts/docker-recipe.mjs [--keep]
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse as parseYaml } from 'yaml'

export class RecipeError extends Error {}

const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
const fail = (line, message) => { throw new RecipeError(line === undefined ? message : `Dockerfile line ${line}: ${message}`) }
const notUnderstood = (line, what) => fail(line, `${what} is not understood by scripts/docker-recipe.mjs: teach the replay first, so that it keeps checking what the image does`)

/** Joins continuation lines and drops comments; a parser directive other than syntax fails. */
function lex (text) {
  const instructions = []
  let directives = true
  let current
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim()
    if (current === undefined) {
      const directive = directives ? /^#\s*([A-Za-z]+)\s*=/.exec(trimmed) : null
      directives = false
      if (directive !== null) {
        if (directive[1].toLowerCase() !== 'syntax') notUnderstood(i + 1, `the parser directive ${directive[1]}`)
        directives = true
        return
      }
      if (trimmed === '' || trimmed.startsWith('#')) return
      current = { line: i + 1, text: '' }
    } else if (trimmed === '' || trimmed.startsWith('#')) {
      return
    }
    if (raw.trimEnd().endsWith('\\')) {
      current.text += raw.trimEnd().slice(0, -1)
      return
    }
    current.text += raw
    instructions.push(current)
    current = undefined
  })
  if (current !== undefined) fail(current.line, 'the last instruction ends with a line continuation')
  return instructions
}

/** Leading --name=value flags, each of which must be one of `allowed`. */
function flags (line, keyword, rest, allowed) {
  const found = {}
  let match
  while ((match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) !== null) {
    if (!allowed.includes(match[1])) notUnderstood(line, `${keyword} --${match[1]}`)
    found[match[1]] = match[2] ?? ''
    rest = rest.slice(match[0].length)
  }
  return { found, rest }
}

function execForm (line, keyword, text) {
  let value
  try {
    value = JSON.parse(text)
  } catch {}
  if (!Array.isArray(value) || value.length === 0 || !value.every(item => typeof item === 'string')) {
    fail(line, `${keyword} must be in exec form, a JSON array of strings (the shell form is not replayed)`)
  }
  return value
}

function noVariables (line, keyword, text) {
  if (text.includes('$')) notUnderstood(line, `a variable in ${keyword}`)
}

/** Splits ENV's arguments as Docker does: key=value pairs, values in double or single quotes or plain. */
function envPairs (line, text) {
  noVariables(line, 'ENV', text)
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
    const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(text)
    if (legacy === null) fail(line, 'ENV needs key=value')
    return [[legacy[1], legacy[2].trim()]]
  }
  const pairs = []
  const word = /\s*([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']*))(?=\s|$)/y
  let at = 0
  while (at < text.trimEnd().length) {
    word.lastIndex = at
    const match = word.exec(text)
    if (match === null) fail(line, `ENV cannot be read at ${JSON.stringify(text.slice(at))}`)
    pairs.push([match[1], match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[4] ?? match[5]])
    at = word.lastIndex
  }
  return pairs
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
function milliseconds (text) {
  let total = 0
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]
  return total
}

/**
 * Parses a Dockerfile into stages of steps, and each stage's resulting image settings
 * (env, workdir, user, exposed ports, volumes, healthcheck, entrypoint, cmd).
 */
export function parseDockerfile (text) {
  const stages = []
  for (const { line, text: instruction } of lex(text)) {
    const [, word, rawRest] = /^(\S+)\s*([\s\S]*)$/.exec(instruction.trim())
    const keyword = word.toUpperCase()
    const rest = rawRest.trim()
    const stage = stages.at(-1)
    if (keyword !== 'FROM' && stage === undefined) fail(line, `${keyword} before the first FROM`)
    switch (keyword) {
      case 'FROM': {
        const { rest: args } = flags(line, keyword, rest, [])
        const match = /^(\S+)(?:\s+AS\s+([A-Za-z][A-Za-z0-9_.-]*))?$/i.exec(args)
        if (match === null) fail(line, 'FROM needs an image and an optional AS name')
        noVariables(line, keyword, match[1])
        const name = match[2]?.toLowerCase()
        if (name !== undefined && stages.some(s => s.name === name)) fail(line, `stage ${name} is defined twice`)
        if (stages.some(s => s.name === match[1].toLowerCase())) notUnderstood(line, 'FROM an earlier stage')
        stages.push({ index: stages.length, name, image: match[1], line, steps: [], env: {}, workdir: '/', user: 'root', expose: [], volumes: [] })
        break
      }
      case 'WORKDIR':
        noVariables(line, keyword, rest)
        if (rest === '' || /\s/.test(rest)) fail(line, 'WORKDIR needs one path')
        stage.workdir = posix.resolve(stage.workdir, rest)
        stage.steps.push({ kind: 'workdir', line, path: stage.workdir })
        break
      case 'COPY': {
        const { found, rest: args } = flags(line, keyword, rest, ['from', 'chown'])
        if (args.startsWith('[')) notUnderstood(line, 'COPY in JSON form')
        noVariables(line, keyword, args)
        if (/["'*?[\]]/.test(args)) notUnderstood(line, 'COPY with quotes or wildcards')
        const parts = args.split(/\s+/).filter(Boolean)
        if (parts.length < 2) fail(line, 'COPY needs a source and a destination')
        let from
        if (found.from !== undefined) {
          from = stages.find(s => s.name === found.from.toLowerCase() || String(s.index) === found.from)
          if (from === undefined || from === stage) notUnderstood(line, `COPY --from=${found.from} (not an earlier stage)`)
        }
        const dest = parts.at(-1)
        stage.steps.push({
          kind: 'copy',
          line,
          from: from?.index,
          chown: found.chown,
          sources: parts.slice(0, -1),
          dest: posix.resolve(stage.workdir, dest),
          intoDirectory: dest.endsWith('/') || parts.length > 2
        })
        break
      }
      case 'RUN': {
        const { rest: command } = flags(line, keyword, rest, [])
        if (command.startsWith('[')) notUnderstood(line, 'RUN in exec form')
        if (command === '') fail(line, 'RUN needs a command')
        stage.steps.push({ kind: 'run', line, command, env: { ...stage.env }, workdir: stage.workdir, user: stage.user })
        break
      }
      case 'ENV':
        for (const [key, value] of envPairs(line, rest)) stage.env[key] = value
        break
      case 'USER':
        noVariables(line, keyword, rest)
        if (!/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(rest)) fail(line, 'USER needs a user, optionally :group')
        stage.user = rest
        break
      case 'EXPOSE':
        for (const port of rest.split(/\s+/)) {
          const match = /^(\d+)(\/tcp)?$/.exec(port)
          if (match === null) notUnderstood(line, `EXPOSE ${port}`)
          stage.expose.push(Number(match[1]))
        }
        break
      case 'VOLUME': {
        const paths = rest.startsWith('[') ? execForm(line, keyword, rest) : rest.split(/\s+/)
        for (const path of paths) {
          if (!path.startsWith('/')) fail(line, `VOLUME ${path} must be an absolute path`)
          stage.volumes.push(posix.normalize(path))
        }
        break
      }
      case 'HEALTHCHECK': {
        const { found, rest: args } = flags(line, keyword, rest, ['interval', 'timeout', 'start-period', 'start-interval', 'retries'])
        const match = /^CMD\s+([\s\S]+)$/.exec(args)
        if (match === null) notUnderstood(line, `HEALTHCHECK ${args.split(/\s/)[0]}`)
        const options = {}
        for (const [name, value] of Object.entries(found)) {
          if (name === 'retries' ? !/^\d+$/.test(value) : !DURATION.test(value)) fail(line, `HEALTHCHECK --${name}=${value} is not valid`)
          options[name] = name === 'retries' ? Number(value) : milliseconds(value)
        }
        stage.healthcheck = { ...options, command: execForm(line, keyword, match[1]) }
        break
      }
      case 'ENTRYPOINT':
      case 'CMD':
        stage[keyword.toLowerCase()] = execForm(line, keyword, rest)
        break
      default:
        notUnderstood(line, keyword)
    }
  }
  if (stages.length === 0) fail(undefined, 'the Dockerfile has no FROM')
  return { stages, final: stages.at(-1) }
}

/** Go's filepath.Match with Docker's `**`, anchored at the build context's root. */
function globRegex (pattern) {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '*' && pattern[i + 1] === '*') {
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += pattern[i + 2] === '/' ? 2 : 1
    } else if (c === '*') source += '[^/]*'
    else if (c === '?') source += '[^/]'
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`)
}

/** A .dockerignore as a predicate on context-relative paths: a path is out when it or a parent folder matches, `!` lines bring it back. */
export function dockerignore (text) {
  const rules = text.split(/\r?\n/).map(line => line.trim()).filter(line => line !== '' && !line.startsWith('#')).map(line => {
    const negate = line.startsWith('!')
    const pattern = posix.normalize((negate ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '')
    return { negate, regex: globRegex(pattern) }
  })
  return path => {
    const parts = posix.normalize(path).split('/')
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
    let ignored = false
    for (const rule of rules) {
      if (prefixes.some(prefix => rule.regex.test(prefix))) ignored = !rule.negate
    }
    return ignored
  }
}

function environment (line, value) {
  const entries = Array.isArray(value) ? value.map(item => { const at = String(item).indexOf('='); return [item.slice(0, at), item.slice(at + 1)] }) : Object.entries(value ?? {})
  for (const [, v] of entries) if (String(v).includes('$')) notUnderstood(line, 'a variable in docker-compose.yml')
  return Object.fromEntries(entries.map(([k, v]) => [k, String(v)]))
}

/** The compose service built from this folder, its mounts and environment, and the services waiting for it to be healthy. */
export function readCompose (text) {
  const doc = parseYaml(text)
  const services = Object.entries(doc?.services ?? {})
  const built = services.filter(([, s]) => s.build === '.' || s.build?.context === '.')
  if (built.length !== 1) fail(undefined, 'docker-compose.yml must have exactly one service with build: .')
  const [name, service] = built[0]
  // A key the replay ignores (a command or user override, say) would make it run something else than compose does.
  const known = (serviceName, value, keys) => Object.keys(value).filter(key => !keys.includes(key)).forEach(key => notUnderstood(undefined, `docker-compose.yml ${serviceName}.${key}`))
  known(name, service, ['build', 'image', 'ports', 'environment', 'volumes', 'healthcheck'])
  const mounts = (service.volumes ?? []).map(volume => {
    if (typeof volume !== 'string') notUnderstood(undefined, 'a long-syntax volume in docker-compose.yml')
    const [source, target, mode] = volume.split(':')
    if (target === undefined || !target.startsWith('/')) fail(undefined, `docker-compose.yml volume ${volume} needs source:/target`)
    return { type: /^[./~]/.test(source) ? 'bind' : 'volume', source, target: posix.normalize(target), readOnly: mode === 'ro' }
  })
  const clients = services.filter(([, s]) => s.depends_on?.[name]?.condition === 'service_healthy').map(([clientName, client]) => {
    known(clientName, client, ['image', 'depends_on', 'environment', 'command'])
    return { name: clientName, image: client.image, command: client.command, environment: environment(undefined, client.environment) }
  })
  return { name, service, environment: environment(undefined, service.environment), mounts, clients }
}

function chownTree (path, uid, gid) {
  chownSync(path, uid, gid)
  if (lstatSync(path).isDirectory()) for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid)
}

/** The uid and gid a USER runs as; the node images' node user is 1000:1000 when this machine has none. */
function account (user) {
  const [name, group] = user.split(':')
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map(line => line.split(':'))
  const entry = passwd.find(fields => fields[0] === name || fields[2] === name)
  let uid, gid
  if (entry !== undefined) [uid, gid] = [Number(entry[2]), Number(entry[3])]
  else if (/^\d+$/.test(name)) [uid, gid] = [Number(name), Number(name)]
  else if (name === 'node') [uid, gid] = [1000, 1000]
  else fail(undefined, `USER ${user}: no such user here`)
  if (group !== undefined) {
    const groupEntry = readFileSync('/etc/group', 'utf8').split('\n').map(line => line.split(':')).find(fields => fields[0] === group || fields[2] === group)
    if (groupEntry !== undefined) gid = Number(groupEntry[2])
    else if (/^\d+$/.test(group)) gid = Number(group)
    else if (group !== name || entry !== undefined) fail(undefined, `USER ${user}: no such group here`)
  }
  return { uid, gid }
}

function run (argv, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let out = ''
    child.stdout?.on('data', chunk => { out += chunk })
    child.stderr?.on('data', chunk => { out += chunk })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeout ?? 600_000)
    child.on('error', reject)
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out }) })
  })
}

function freePort () {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    }).on('error', reject)
  })
}

const installed = pkg => {
  try {
    return /^Status: install ok installed$/m.test(execFileSync('dpkg-query', ['-s', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
  } catch {
    return false
  }
}

/** An apt-get RUN line: skipped when every package it installs is already on this machine, never run here. */
function aptPackages (step) {
  const parts = step.command.split(/\s*&&\s*/)
  const packages = []
  for (const part of parts) {
    if (/^rm -rf \/var\/lib\/apt\/lists\/\*$/.test(part) || /^apt-get update$/.test(part)) continue
    const install = /^apt-get install((?:\s+\S+)+)$/.exec(part)
    if (install === null) fail(step.line, `RUN mixes apt-get with ${JSON.stringify(part)}; keep apt-get lines to update, install and the lists' cleanup`)
    packages.push(...install[1].trim().split(/\s+/).filter(word => !word.startsWith('-')))
  }
  return packages
}

/** Replays the Dockerfile and runs the image as docker-compose.yml does; resolves with what it measured. */
export async function replay ({ context, keep = false, log = line => process.stderr.write(`docker-recipe: ${line}\n`) }) {
  const started = Date.now()
  const { stages, final } = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'))
  const ignored = dockerignore(existsSync(join(context, '.dockerignore')) ? readFileSync(join(context, '.dockerignore'), 'utf8') : '')
  const compose = readCompose(readFileSync(join(context, 'docker-compose.yml'), 'utf8'))
  const root = mkdtempSync(join(tmpdir(), 'docker-recipe-'))
  // The image's non-root user must be able to walk to its files, as in a real image.
  chmodSync(root, 0o755)
  const asRoot = process.getuid?.() === 0
  const nodeMajor = process.versions.node.split('.')[0]
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '')?.[1]
  const host = (stage, path) => join(root, `stage-${stage.index}`, path)
  const children = new Set()
  let build = 0

  try {
    for (const stage of stages) {
      const label = `[${stage.name ?? stage.index}]`
      const image = /^node:(\d+)(?:-(.+))?$/.exec(stage.image)
      if (image === null) fail(stage.line, `FROM ${stage.image}: only node:<major>[-variant] images are replayed (with this machine's node)`)
      if (image[1] !== nodeMajor) fail(stage.line, `FROM ${stage.image}, but this machine's node is ${process.version}: the replay would not be the image`)
      if (image[2] !== undefined && codename !== undefined && !image[2].includes(codename)) log(`${label} note: ${stage.image} is not this machine's Debian (${codename})`)
      mkdirSync(host(stage, '/'), { recursive: true, mode: 0o755 })
      const env = () => ({ PATH: `${dirname(process.execPath)}:${IMAGE_PATH}`, HOME: process.env.HOME ?? '/root' })
      for (const step of stage.steps) {
        const t0 = Date.now()
        if (step.kind === 'workdir') {
          mkdirSync(host(stage, step.path), { recursive: true, mode: 0o755 })
        } else if (step.kind === 'copy') {
          const fromStage = step.from === undefined ? undefined : stages[step.from]
          for (const source of step.sources) {
            const relativeSource = posix.normalize(source).replace(/^\/+/, '')
            if (fromStage === undefined && (relativeSource.startsWith('..') || ignored(relativeSource))) fail(step.line, `COPY ${source}: not in the build context (or excluded by .dockerignore)`)
            const from = fromStage === undefined ? join(context, relativeSource) : host(fromStage, posix.resolve('/', source))
            if (!existsSync(from)) fail(step.line, `COPY ${source}: not found`)
            const isDirectory = statSync(from).isDirectory()
            const destination = host(stage, isDirectory || !step.intoDirectory ? step.dest : posix.join(step.dest, posix.basename(source)))
            mkdirSync(isDirectory ? destination : dirname(destination), { recursive: true, mode: 0o755 })
            if (fromStage === undefined) {
              cpSync(from, destination, { recursive: true, verbatimSymlinks: true, filter: src => !ignored(relative(context, src)) })
            } else {
              // cp -a: node_modules is thousands of files, and cpSync takes seconds more for them.
              execFileSync('cp', ['-a', isDirectory ? `${from}/.` : from, destination])
            }
            if (step.chown !== undefined) {
              if (asRoot) chownTree(destination, ...Object.values(account(step.chown)))
              else log(`${label} note: COPY --chown=${step.chown} needs root; the files stay this user's`)
            }
          }
        } else if (step.kind === 'run') {
          if (/\bapt-get\b/.test(step.command)) {
            const missing = aptPackages(step).filter(pkg => !installed(pkg))
            if (missing.length > 0) fail(step.line, `the image installs ${missing.join(' ')} with apt-get, which the replay does not run on this machine: apt-get install -y ${missing.join(' ')} first (.ci/run does)`)
            log(`${label} RUN line ${step.line} skipped: ${aptPackages(step).join(', ')} already installed here`)
            continue
          }
          // RUN runs in the stage's WORKDIR here, not in an image root: an absolute path would reach this machine's.
          const absolute = /(?:^|[\s=:;&|'"(])(\/[^\s;&|'")]*)/.exec(step.command)
          if (absolute !== null) fail(step.line, `RUN names ${absolute[1]}, which the replay cannot map into the stage; use a path relative to WORKDIR`)
          const user = step.user === 'root' || !asRoot ? {} : account(step.user)
          log(`${label} RUN ${step.command}`)
          const result = await run(['sh', '-c', step.command], { cwd: host(stage, step.workdir), env: { ...env(), ...step.env }, ...user, stdio: ['ignore', process.stderr, process.stderr] })
          if (result.code !== 0) fail(step.line, `RUN exited with ${result.code ?? result.signal}`)
          build += Date.now() - t0
        }
        if (step.kind !== 'run') log(`${label} line ${step.line}: ${step.kind} done (${Date.now() - t0} ms)`)
      }
    }

    // The image as docker-compose.yml runs it: its environment over the image's, a free port, volumes and mounts as folders.
    if (final.healthcheck === undefined || final.cmd === undefined) fail(undefined, 'the final stage needs a HEALTHCHECK and a CMD')
    const mounts = new Map(final.volumes.map(path => [path, host(final, path)]))
    for (const mount of compose.mounts) {
      if (mount.type === 'volume') {
        if (!final.volumes.includes(mount.target)) fail(undefined, `docker-compose.yml mounts volume ${mount.source} at ${mount.target}, which is no VOLUME of the image`)
        continue
      }
      // A read-only bind is a copy here, readable by the image's user wherever the checkout is.
      const copy = join(root, 'mounts', mount.target)
      mkdirSync(dirname(copy), { recursive: true, mode: 0o755 })
      cpSync(resolve(context, mount.source), copy, { recursive: true })
      mounts.set(mount.target, copy)
    }
    const mapPath = value => {
      const target = [...mounts.keys()].filter(path => value === path || value.startsWith(`${path}/`)).sort((a, b) => b.length - a.length)[0]
      return target === undefined ? host(final, value) : join(mounts.get(target), value.slice(target.length))
    }
    const port = await freePort()
    const settings = { ...final.env, ...compose.environment, PORT: String(port) }
    const database = settings.DATABASE_PATH
    if (database === undefined || !final.volumes.some(path => database.startsWith(`${path}/`))) fail(undefined, `DATABASE_PATH ${database} is not in a VOLUME: the data would go with the container`)
    const user = final.user === 'root' ? {} : (asRoot ? account(final.user) : (log(`note: not root, so the image's USER ${final.user} is this user here`), {}))
    const home = join(root, 'home')
    mkdirSync(home, { mode: 0o755 })
    if (user.uid !== undefined) chownSync(home, user.uid, user.gid)
    const runtimeEnv = {
      PATH: `${dirname(process.execPath)}:${IMAGE_PATH}`,
      HOME: home,
      ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, value.startsWith('/') ? mapPath(value) : value]))
    }
    const argv = [...(final.entrypoint ?? []), ...final.cmd]
    if (argv[0].startsWith('/') && !existsSync(argv[0])) fail(undefined, `${argv[0]} (ENTRYPOINT/CMD) is not on this machine`)
    const workdir = host(final, final.workdir)
    const url = `http://127.0.0.1:${port}`
    log(`runtime: ${argv.join(' ')} as ${final.user} in ${final.workdir}, PORT=${port}, ${Object.keys(settings).join(' ')}`)

    const startServer = async () => {
      // Its own process group, so that a failed run can kill tini and node together.
      const child = spawn(argv[0], argv.slice(1), { cwd: workdir, env: runtimeEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...user })
      children.add(child)
      const output = { text: '' }
      child.stdout.on('data', chunk => { output.text += chunk })
      child.stderr.on('data', chunk => { output.text += chunk })
      const exited = new Promise(resolve => child.on('close', (code, signal) => { children.delete(child); resolve({ code, signal }) }))
      const t0 = Date.now()
      const deadline = t0 + Math.max(30_000, (final.healthcheck['start-period'] ?? 0) + (final.healthcheck.retries ?? 3) * (final.healthcheck.interval ?? 30_000))
      let checks = 0
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) fail(undefined, `the server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output.text}`)
        checks++
        const check = await run(final.healthcheck.command, { cwd: workdir, env: runtimeEnv, timeout: final.healthcheck.timeout ?? 30_000, ...user })
        if (check.code === 0) break
        if (Date.now() > deadline) fail(undefined, `HEALTHCHECK still failing after ${checks} checks:\n${check.out}\n${output.text}`)
        await new Promise(resolve => setTimeout(resolve, 250))
      }
      log(`healthy after ${Date.now() - t0} ms (${checks} HEALTHCHECK runs)`)
      return { child, output, exited }
    }
    const stop = async server => {
      server.child.kill('SIGTERM')
      const exit = await Promise.race([server.exited, new Promise(resolve => setTimeout(() => resolve(undefined), 15_000))])
      if (exit?.code !== 0) fail(undefined, `after SIGTERM the server ended with ${JSON.stringify(exit ?? 'no exit in 15 s')}:\n${server.output.text}`)
      log('SIGTERM: exit code 0')
    }

    let server = await startServer()
    const [containerPort] = final.expose
    const changed = []
    for (const client of compose.clients) {
      if (!/^node:\d+/.test(client.image ?? '') || !Array.isArray(client.command) || client.command[0] !== 'node') fail(undefined, `compose service ${client.name}: only a node:* image with an exec-form node command is replayed`)
      // The service's name resolves to the mock in compose; here that is the replay's port on loopback.
      const clientEnv = Object.fromEntries(Object.entries(client.environment).map(([key, value]) => [key, value.replace(`http://${compose.name}:${containerPort}`, url)]))
      const result = await run(client.command, { cwd: root, env: { PATH: runtimeEnv.PATH, ...clientEnv }, timeout: 30_000 })
      if (result.code !== 0) fail(undefined, `compose service ${client.name} exited ${result.code}: ${result.out}`)
      const answer = /^(\d{3}) (\{.*\})$/m.exec(result.out)
      if (answer?.[1] !== '200') fail(undefined, `compose service ${client.name} printed no 200 answer: ${result.out}`)
      changed.push(JSON.parse(answer[2]).key)
      log(`compose service ${client.name}: ${answer[0]}`)
    }
    if (changed.length === 0) fail(undefined, 'docker-compose.yml has no service that waits for the mock to be healthy and calls it')
    await stop(server)

    // The volume keeps what was answered: a restart on it sees the change, and SQLite finds the file intact.
    server = await startServer()
    const fixture = JSON.parse(readFileSync(runtimeEnv.SEED_FILE ?? fail(undefined, 'docker-compose.yml sets no SEED_FILE'), 'utf8'))
    for (const key of changed) {
      const project = fixture.projects?.find(p => p.keys?.some(k => k.id === key.id))
      const secret = project?.keys.find(k => k.roles.split(',').includes('admin'))?.value
      if (secret === undefined) fail(undefined, `key ${key.id} is not in a fixture project with an admin key`)
      const res = await fetch(`${url}/project/${project.id}/key/${key.id}`, { headers: { authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(10_000) })
      const body = await res.json()
      if (res.status !== 200 || body.key?.label !== key.label) fail(undefined, `after a restart, ${key.id} answers ${res.status} ${JSON.stringify(body)}, not the label ${key.label}`)
      log(`after a restart on the same volume, ${key.id} still has the label ${JSON.stringify(key.label)}`)
    }
    await stop(server)
    const integrity = await run([process.execPath, '-e', 'const D = require("better-sqlite3"); const db = new D(process.argv[1], { readonly: true }); console.log(db.pragma("integrity_check", { simple: true }))', runtimeEnv.DATABASE_PATH], { cwd: workdir, env: runtimeEnv, ...user })
    if (integrity.out.trim() !== 'ok') fail(undefined, `integrity_check: ${integrity.out}`)
    log('integrity_check ok, with the image\'s own better-sqlite3')
    return { buildMs: build, totalMs: Date.now() - started, root }
  } finally {
    for (const child of children) process.kill(-child.pid, 'SIGKILL')
    if (keep) log(`kept ${root}`)
    else rmSync(root, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const context = fileURLToPath(new URL('..', import.meta.url))
  replay({ context, keep: process.argv.includes('--keep') }).then(({ buildMs, totalMs }) => {
    process.stderr.write(`docker-recipe: ok, the Dockerfile replayed and served (RUN steps ${(buildMs / 1000).toFixed(1)} s, all ${(totalMs / 1000).toFixed(1)} s)\n`)
  }, error => {
    process.stderr.write(`docker-recipe: FAILED: ${error instanceof RecipeError ? error.message : error.stack}\n`)
    process.exitCode = 1
  })
}
