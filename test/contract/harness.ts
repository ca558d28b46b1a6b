// Processes and detectors for the Prism contract run: the built server, Prism in proxy mode, and what counts as a violation.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { packageRoot, servedContractPath } from '../../src/paths.js'
import { FIXTURE, TEST_SECRET } from '../helper.js'
import { patience } from '../patience.js'
import { killOnExit } from '../process/on-exit.js'
import { untracked } from '../process/untracked.js'

export const ROOT = packageRoot
/** The document the server serves at /openapi.json, as committed. */
export const CONTRACT = servedContractPath
const CLI = join(ROOT, 'dist', 'src', 'cli.js')

// Prism's own JS entry, found through its package.json, so no shell or npx sits between us and the process.
const require = createRequire(import.meta.url)
const PRISM_PACKAGE = require.resolve('@stoplight/prism-cli/package.json')
const PRISM_BIN = join(dirname(PRISM_PACKAGE), (JSON.parse(readFileSync(PRISM_PACKAGE, 'utf8')) as { bin: { prism: string } }).bin.prism)

/** Where Prism's problem documents point their `type`, e.g. `https://stoplight.io/prism/errors#VIOLATIONS`. */
export const PRISM_ERRORS = 'https://stoplight.io/prism/errors#'

export type Teardown = (fn: () => unknown) => void

export interface Proc {
  child: ChildProcess
  /** stdout and stderr as received so far, interleaved. */
  output: () => string
  /** Resolves with the first match in the output (seen or to come); rejects on exit or timeout. */
  waitFor: (pattern: RegExp, what: string, timeoutMs?: number) => Promise<RegExpExecArray>
  stop: () => Promise<void>
}

/** `node ...args` in the package root with only PATH and `env` in its environment; killed at teardown. */
export function spawnProc (teardown: Teardown, args: string[], env: Record<string, string>): Proc {
  const [file, argv] = untracked(process.execPath, args)
  const child = spawn(file, argv, { cwd: ROOT, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let closed = false
  const waiters = new Set<() => void>()
  const notify = (): void => { for (const check of waiters) check() }
  const closedPromise = new Promise<void>(resolve => child.on('close', () => { closed = true; notify(); resolve() }))
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; notify() })

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await closedPromise
  }
  teardown(stop)
  // A test file that fails at its top level exits without teardowns: the child must not outlive it.
  const orphan = (): void => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
  child.once('close', killOnExit(orphan))

  return {
    child,
    output: () => output,
    stop,
    waitFor: (pattern, what, timeoutMs = patience(3_000)) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output: ${output}`)) }, timeoutMs)
      function check (): void {
        const match = pattern.exec(output)
        if (match === null && !closed) return
        waiters.delete(check)
        clearTimeout(timer)
        if (match !== null) resolve(match)
        else reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${what}; output: ${output}`))
      }
      waiters.add(check)
      check()
    })
  }
}

/** `serve` from dist on a free port, seeded with the shared FIXTURE; resolves with its URL from the banner. */
export async function startServer (teardown: Teardown, dir: string): Promise<{ proc: Proc, url: string }> {
  const seed = join(dir, 'fixture.json')
  writeFileSync(seed, JSON.stringify(FIXTURE))
  const proc = spawnProc(teardown, [CLI, 'serve'], {
    PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'contract.db'), SEED_FILE: seed, JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'warn'
  })
  const banner = await proc.waitFor(/^basic-admin-mock listening on (http:\/\/127\.0\.0\.1:\d+) \(database .+\)$/m, 'the server banner')
  return { proc, url: banner[1]! }
}

/** A port that was free a moment ago: Prism needs a concrete one, so the caller retries if someone takes it first. */
function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')))
    })
  })
}

/** `prism proxy <contract> upstream --errors` on a free port of 127.0.0.1; resolves once Prism says it listens. */
export async function startPrism (teardown: Teardown, upstream: string, contract: string = CONTRACT): Promise<{ proc: Proc, url: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    // FORCE_COLOR=0 and --no-deprecation keep the log plain and free of lines newer Nodes add about Prism's dependencies.
    const proc = spawnProc(teardown, ['--no-deprecation', PRISM_BIN, 'proxy', contract, upstream, '--errors', '--host', '127.0.0.1', '--port', String(port)], { FORCE_COLOR: '0' })
    try {
      const listening = await proc.waitFor(/Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/, 'Prism to listen')
      return { proc, url: listening[1]! }
    } catch (err) {
      await proc.stop()
      if (attempt < 5 && proc.output().includes('EADDRINUSE')) continue
      throw err
    }
  }
}

export interface Reply {
  status: number
  headers: IncomingHttpHeaders
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
}

/** One request with exactly these headers (node:http adds only host, content-length and connection). */
export function send (base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // A timeout here means a request went unanswered, not that it was slow.
    const limit = patience(3_000)
    const req = request(`${base}${path}`, { method, headers, agent: false, timeout: limit }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('error', reject).on('end', () => {
        let json: unknown
        try { json = JSON.parse(text) } catch { json = undefined }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${limit} ms: ${method} ${path}`)))
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * What Prism (proxy, --errors) says is wrong with one exchange; empty when it found nothing.
 * Error-severity violations replace the answer with a 500 problem+json of type errors#VIOLATIONS; warnings
 * (a status the contract does not list) keep the upstream answer; both carry an `sl-violations` header.
 */
export function contractProblems (reply: Reply): string[] {
  const problems: string[] = []
  const violations = reply.headers['sl-violations']
  if (violations !== undefined) problems.push(`sl-violations: ${String(violations)}`)
  const type = (reply.json as { type?: unknown } | undefined)?.type
  if (/^application\/problem\+json/i.test(reply.headers['content-type'] ?? '') || (typeof type === 'string' && type.startsWith(PRISM_ERRORS))) {
    problems.push(`Prism answered with its own problem document (${reply.status}): ${reply.text}`)
  }
  return problems
}

// Prism's log lines look like `[12:10:47 AM] › [HTTP SERVER] patch /path ℹ  info      message` (method and path only for HTTP SERVER).
const BENIGN = /^\[[^\]]+\] › +\[(CLI|HTTP SERVER|PROXY)\] (\S+ \S+ )?(ℹ +info|▶ +start|… +awaiting) /

/**
 * Lines of Prism's log that report a violation or an error, except rejections the caller expects:
 * `[VALIDATOR] ⚠  warning   Violation: ...` and `✖  error  Request terminated with error: ...#VIOLATIONS` among them.
 */
export function logProblems (log: string, expected: RegExp): string[] {
  return log.split('\n').filter(line => line.trim() !== '' && !expected.test(line) && (!BENIGN.test(line) || /VALIDATOR|violation/i.test(line)))
}
