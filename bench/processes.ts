// Child processes of the benchmark: started, awaited until they answer, measured from /proc, stopped.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { availableParallelism, loadavg } from 'node:os'

export interface Started {
  child: ChildProcess
  url: string
  /** ms from spawn to the first 200 from readyPath */
  startMs: number
  stop: () => Promise<void>
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise(resolve => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}

/** kB of resident memory (VmRSS) or its peak so far (VmHWM); undefined once the process is gone. */
export function memoryKb (pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match === null ? undefined : Number(match[1])
  } catch {
    return undefined
  }
}

/**
 * A prefix for spawned commands: under tap without coverage (test/bench.test.ts), tap's process tracking is kept out
 * of NODE_OPTIONS, as the tests do (test/process/untracked.ts): it would slow every start, and only coverage reads it.
 */
export const UNTRACKED: readonly string[] = process.env._TAPJS_PROCESSINFO_COVERAGE_ === '0' ? ['/usr/bin/env', '-u', 'NODE_OPTIONS'] : []

/**
 * How long a start may take before it is reported as hung: `idleMs`, times the one-minute load per core when that is
 * over 1 (a start that took 38 s at load 35 on 2 cores was no hang, only a starved machine).
 */
export const startPatience = (idleMs: number): number => Math.round(idleMs * Math.max(1, loadavg()[0]! / availableParallelism()))

/** Spawns command on a free port (PORT) and polls readyPath until it answers 200. */
export async function start (command: string[], env: Record<string, string>, readyPath: string, timeoutMs = startPatience(30_000)): Promise<Started> {
  const port = await freePort()
  const began = performance.now()
  // "{PORT}" in the arguments becomes the port, for tools that take it as a flag.
  const [file, ...args] = [...UNTRACKED, ...command.map(arg => arg.replace('{PORT}', String(port)))]
  const child = spawn(file!, args, { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited ${child.exitCode}: ${stderr}`)
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(1000) })
      await res.arrayBuffer()
      if (res.status === 200) break
    } catch {}
    if (performance.now() - began > timeoutMs) {
      child.kill('SIGKILL')
      throw new Error(`${command.join(' ')} not ready after ${timeoutMs} ms: ${stderr}`)
    }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  const startMs = performance.now() - began
  return {
    child,
    url,
    startMs,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}
