// Runs the built CLI (`node dist/src/cli.js`) as a real process, and talks to it over a real socket.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { patience } from '../patience.js'
import { runToEnd, type Ran } from './run-to-end.js'
import { untracked } from './untracked.js'

export const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

export type Tap = { teardown: (fn: () => unknown) => void }

/** Runs the CLI to completion with exactly this env (plus PATH); killed if it outlives the test or the timeout. */
export const runCli = (t: Tap, args: string[], env: Record<string, string> = {}): Promise<Ran> =>
  runToEnd(process.execPath, [CLI, ...args], { env, t, timeoutMs: patience(1_500), what: `basic-admin-mock ${args.join(' ')}` })
export interface Exit { code: number | null, signal: NodeJS.Signals | null }

export interface Server {
  child: ChildProcess
  lines: string[]
  stderr: () => string
  /** Resolves with the first stdout line (already seen or to come) that matches; rejects on timeout or exit. */
  waitForLine: (match: (line: string) => boolean, what: string, timeoutMs?: number) => Promise<string>
  /** Resolves with stderr once it matches (stderr is its own pipe: it may arrive after later stdout lines). */
  waitForStderr: (match: RegExp, what: string, timeoutMs?: number) => Promise<string>
  waitForExit: (timeoutMs?: number) => Promise<Exit>
}

export interface Started extends Server { url: string }

export function withTimeout<T> (promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const describe = (): string => typeof what === 'string' ? what : what()
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${describe()}`)), ms) })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Spawns the CLI with exactly this env (plus PATH); it is SIGKILLed in teardown if still alive. */
export function spawnCli (t: Tap, args: string[], env: Record<string, string>, command: string[] = [process.execPath, CLI]): Server {
  const [file, argv] = untracked(command[0]!, [...command.slice(1), ...args])
  const child = spawn(file, argv, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  // 'close', not 'exit': by then stdout and stderr are fully read.
  let closed = false
  const exited = new Promise<Exit>(resolve => child.on('close', (code, signal) => resolve({ code, signal })))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const lines: string[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  let partial = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop()!
    lines.push(...parts)
    for (const check of waiters) check()
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    for (const check of waiters) check()
  })
  child.on('close', () => {
    closed = true
    for (const check of waiters) check()
  })

  // Resolves with what `found` finds, checked now and at every chunk of output; rejects once the process has closed.
  const waitFor = <T>(found: () => T | undefined, what: string, timeoutMs: number): Promise<T> => withTimeout(new Promise<T>((resolve, reject) => {
    const check = (): void => {
      const value = found()
      if (value !== undefined) {
        waiters.delete(check)
        resolve(value)
      } else if (closed) {
        waiters.delete(check)
        reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${what}; stderr: ${stderr}`))
      }
    }
    waiters.add(check)
    check()
  }), timeoutMs, () => `${what}; stderr so far: ${stderr}`)

  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLine: (match, what, timeoutMs = patience(1_500)) => waitFor(() => lines.find(match), what, timeoutMs),
    waitForStderr: (match, what, timeoutMs = patience(1_500)) => waitFor(() => match.test(stderr) ? stderr : undefined, what, timeoutMs),
    waitForExit: (timeoutMs = patience(1_500)) => withTimeout(exited, timeoutMs, 'process exit')
  }
}

/** `serve` on a free port of 127.0.0.1; resolves once the banner names the URL. */
export async function startServer (t: Tap, env: Record<string, string>, command?: string[]): Promise<Started> {
  const server = spawnCli(t, ['serve'], { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env }, command)
  const banner = await server.waitForLine(line => line.startsWith('basic-admin-mock listening on '), 'the listening banner')
  const url = /^basic-admin-mock listening on (http:\/\/127\.0\.0\.1:\d+) \(database .+\)$/.exec(banner)
  if (url === null) throw new Error(`unexpected banner: ${banner}`)
  return { ...server, url: url[1]! }
}

export interface Answer { status: number, headers: Headers, text: string, body: unknown }

/** One PATCH over a real socket; rejects when the connection fails or the body is not JSON. */
export async function patch (url: string, project: string, key: string, secret: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${url}/project/${project}/key/${key}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(patience(1_000))
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) }
}

export type LoadPatch = (project: string, key: string, secret: string, body: unknown) => Promise<{ status: number, body: unknown }>

/** Keep-alive PATCHes through node:http, lighter than fetch: under load the server, not the test, is the busy one. */
export function loadClient (t: Tap, url: string): LoadPatch {
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const { hostname, port } = new URL(url)
  return (project, key, secret, body) => new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = request({
      host: hostname,
      port,
      agent,
      method: 'PATCH',
      path: `/project/${project}/key/${key}`,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      timeout: patience(1_000)
    }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('error', reject)
        .on('close', () => { if (!res.complete) reject(new Error('response cut off')) })
        .on('end', () => {
          try {
            resolve({ status: res.statusCode!, body: JSON.parse(text) })
          } catch (error) {
            reject(error)
          }
        })
    })
    req.on('error', reject).on('timeout', () => req.destroy(new Error('timed out')))
    req.end(payload)
  })
}
