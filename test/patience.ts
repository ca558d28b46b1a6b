// How long a test waits, at most, for something that takes `idleMs` on an idle machine: ten times that, and longer
// again on a busy machine (times its one-minute load per core, when that is over 1). Every wait it bounds is
// event-driven, so patience costs nothing when all is well: it only decides how long a hang takes to be reported.
import { availableParallelism, loadavg } from 'node:os'

export function patience (idleMs: number): number {
  const busy = Math.max(1, loadavg()[0]! / availableParallelism())
  return Math.round(idleMs * 10 * busy)
}
