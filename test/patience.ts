// How long a test waits, at most, for something that takes `idleMs` on an idle machine: ten times that, and longer
// again on a busy machine (times its one-minute load per core, when that is over 1). Every wait it bounds is
// event-driven, so patience costs nothing when all is well: it only decides how long a hang takes to be reported.
import { availableParallelism, loadavg } from 'node:os'

export function patience (idleMs: number): number {
  const busy = Math.max(1, loadavg()[0]! / availableParallelism())
  return Math.round(idleMs * 10 * busy)
}

/** Polls `condition` every 10 ms until it holds; fails naming `what` once `timeoutMs` (by default patience(1 s)) passed. */
export async function until (what: string, condition: () => boolean, timeoutMs = patience(1_000)): Promise<void> {
  const began = Date.now()
  while (!condition()) {
    if (Date.now() - began > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}
