// What a server process spends of its CPUs: the bench's second measure beside req/s, and its wait for quiet servers.
import { readdirSync, readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Nanoseconds of CPU a process has run, all its threads (the libuv pool, V8's helpers, the checkpoint worker), from
 * /proc/PID/task/TID/schedstat (the scheduler's own count, exact, where utime and stime are sampled at the clock's
 * tick); undefined without /proc. A thread that ends between the listing and its read counts nothing.
 */
export function cpuNs (pid: number): number | undefined {
  let tasks: string[]
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return undefined
  }
  let sum = 0
  for (const task of tasks) {
    try {
      sum += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    } catch {}
  }
  return sum
}

/** Microseconds of the process's CPU per request over `run` (the load), or undefined without /proc. */
export async function cpuPerRequest<T extends { requests: number }> (pid: number | undefined, run: () => Promise<T>): Promise<T & { cpuUs: number | undefined }> {
  const before = pid === undefined ? undefined : cpuNs(pid)
  const result = await run()
  const after = pid === undefined ? undefined : cpuNs(pid)
  const cpuUs = before === undefined || after === undefined || result.requests === 0 ? undefined : (after - before) / 1000 / result.requests
  return { ...result, cpuUs }
}

const SETTLE_STEP_MS = 100
/** Busy below this share of one CPU counts as quiet: timers and an idle checkpoint pass, not a checkpoint's copy. */
const QUIET_SHARE = 0.05

/**
 * Waits until the servers together use under 5% of a CPU over 100 ms, at most `limitMs`: what one load leaves
 * running (the checkpoint worker copying its -wal, a collection) then runs before the next load, instead of in it
 * and charged to whichever scenario comes next on the same CPU. Returns the ms waited.
 */
export async function settle (pids: number[], limitMs = 3000): Promise<number> {
  const began = performance.now()
  const total = (): number => pids.reduce((sum, pid) => sum + (cpuNs(pid) ?? 0), 0)
  let last = total()
  while (performance.now() - began < limitMs) {
    await sleep(SETTLE_STEP_MS)
    const now = total()
    if (now - last < SETTLE_STEP_MS * 1e6 * QUIET_SHARE) break
    last = now
  }
  return performance.now() - began
}
