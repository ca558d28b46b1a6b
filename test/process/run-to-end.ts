// A command run to completion: its output, its exit, and a kill with a message naming it if it outlives the limit.
// The command leads a process group of its own, and a kill takes the group: a shell's npx and the tool it starts
// would otherwise outlive a timeout, a teardown or the test process itself (a portman left so kept a third of a core).
import { spawn, type ChildProcess } from 'node:child_process'
import { killOnExit } from './on-exit.js'
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
    const child = spawn(file, argv, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    // Once the command has closed and its group was killed, never again: the group's id may be another's by then.
    let ended = false
    const killGroup = (): void => { if (!ended) killTree(child) }
    options.t?.teardown(killGroup)
    const exited = killOnExit(killGroup)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const timer = setTimeout(() => {
      killGroup()
      reject(new Error(`${options.what} did not finish in ${options.timeoutMs} ms; stdout: ${stdout.slice(-2000)}; stderr: ${stderr.slice(-2000)}`))
    }, options.timeoutMs)
    child.on('error', error => { clearTimeout(timer); reject(error) })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      // What the command left running in its group (a background job) goes with it.
      killGroup()
      ended = true
      exited()
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** SIGKILL to the child's process group; nothing when the group is already gone. */
function killTree (child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {}
}
