// Separate cores for the servers and the load generator (issue 29): with both on the same cores the ceiling's own
// rounds moved by 40% in one run. taskset pins the servers at their start and this process (autocannon runs in it).
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface Pinning {
  /** CPU list (taskset -c) of the server under test, the ceiling and the references. */
  servers: string
  /** CPU list of the load generator: this process, every thread of it. */
  load: string
  /** The CPU list this process had before, given back by unpin(). */
  before: string
}

/** A CPU list as taskset and /proc write it ("0-3,6") as numbers. */
export function cpusOf (list: string): number[] {
  return list.trim().split(',').filter(part => part !== '').flatMap(part => {
    const [from, to] = part.split('-').map(Number)
    return to === undefined ? [from!] : Array.from({ length: to - from! + 1 }, (_, i) => from! + i)
  })
}

/** The CPUs a process may run on, from /proc (undefined once it is gone). */
export function allowedCpus (pid: number | 'self' = 'self'): string | undefined {
  try {
    return /^Cpus_allowed_list:\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  } catch {
    return undefined
  }
}

const tasksetWorks = (): boolean => spawnSync('taskset', ['-c', '-p', String(process.pid)], { stdio: 'ignore' }).status === 0

/**
 * The split, or why there is none: the last CPU for the servers (the last 2 where there are 3 or more), the others
 * for the load generator. On this 2-core machine: servers on CPU 1, autocannon on CPU 0.
 */
export function planPinning (): Pinning | string {
  const before = allowedCpus()
  if (before === undefined) return 'no /proc/self/status'
  if (!tasksetWorks()) return 'taskset not found (util-linux)'
  const cpus = cpusOf(before)
  if (cpus.length < 2) return `one CPU only (${before})`
  const servers = cpus.slice(cpus.length >= 3 ? -2 : -1)
  const load = cpus.slice(0, cpus.length - servers.length)
  return { servers: servers.join(','), load: load.join(','), before }
}

function setAffinity (cpus: string): void {
  // -a: every thread (V8's, libuv's pool), not only the main one.
  const result = spawnSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`taskset -a -c -p ${cpus} ${process.pid}: ${result.stderr}`)
}

/** Pins this process to the load generator's CPUs; unpin() gives back what it had. */
export function pinSelf (pinning: Pinning): void { setAffinity(pinning.load) }
export function unpin (pinning: Pinning): void { setAffinity(pinning.before) }

/** The prefix that starts a server on the servers' CPUs (none without pinning). */
export const serverPrefix = (pinning: Pinning | undefined): string[] => pinning === undefined ? [] : ['taskset', '-c', pinning.servers]

export const describePinning = (pinning: Pinning | string): string => typeof pinning === 'string'
  ? `pinning: off (${pinning})`
  : `pinning: server under test, ceiling and references on CPU ${pinning.servers}; load generator (this process, autocannon) on CPU ${pinning.load} (taskset; --no-pin turns it off)`

/** Pins this process to the load generator's CPUs for `fn`, servers (started with the prefix) to the others. */
export async function pinned<T> (pin: boolean | undefined, log: (line: string) => void, fn: (pinning: Pinning | undefined, off: string | undefined) => Promise<T>): Promise<T> {
  let plan = pin === false ? '--no-pin' : planPinning()
  if (typeof plan !== 'string') {
    try {
      pinSelf(plan)
    } catch (error) {
      // A container may read affinities and refuse to set them: the run goes on, unpinned, and says so.
      plan = (error as Error).message.trim()
    }
  }
  log(describePinning(plan))
  if (typeof plan === 'string') return await fn(undefined, plan)
  try {
    return await fn(plan, undefined)
  } finally {
    unpin(plan)
  }
}
