// A command run to completion: its output, its exit, and a kill with a message naming it if it outlives the limit.
import { spawn } from 'node:child_process'
import { untracked } from './untracked.js'

export interface Ran { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

export interface RunOptions {
  /** Exactly this environment, plus PATH. */
  env: Record<string, string>
  cwd?: string
  timeoutMs: number
  /** What it is, for the timeout's message: "basic-admin-mock coverage --min 90". */
  what: string
  /** Killed at this test's end if still running. */
  t?: { teardown: (fn: () => unknown) => void }
}

export function runToEnd (command: string, args: string[], options: RunOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const [file, argv] = untracked(command, args)
    const child = spawn(file, argv, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    options.t?.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${options.what} did not finish in ${options.timeoutMs} ms; stdout: ${stdout.slice(-2000)}; stderr: ${stderr.slice(-2000)}`))
    }, options.timeoutMs)
    child.on('error', error => { clearTimeout(timer); reject(error) })
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }) })
  })
}
