import type { Db } from './database.js'

interface Job { work: () => unknown, isolated: boolean, resolve: (value: unknown) => void, reject: (error: unknown) => void }
type Settled = { ok: true, value: unknown } | { ok: false, error: unknown }

export interface UnitOfWork {
  /**
   * Runs `work` inside the write transaction of this event-loop turn, after every piece of work queued before it,
   * and settles once that transaction has committed: nothing answered can be lost.
   */
  run: <T>(work: () => T, options?: RunOptions) => Promise<T>
}

export interface RunOptions {
  /**
   * Work that may throw (a fixture with a bad row) runs in a savepoint of its own: a throw undoes it alone, and the
   * turn's other work commits. Work that reports a refusal by returning it (every request's) needs none, and pays
   * no SAVEPOINT and RELEASE.
   */
  isolated?: boolean
}

/** Called at the start and the end of each transaction the unit of work runs, inside it. */
export interface TransactionHooks { begin: () => void, end: () => void }

/**
 * Group commit: the work queued in one event-loop turn runs in one BEGIN IMMEDIATE transaction, in queue order.
 * One COMMIT (its locks and its -wal write) per turn instead of per call is most of a PATCH's cost under load.
 * An isolated piece runs in a savepoint of its own: when it throws (a fixture with a bad row) it is undone alone and
 * rejects alone, and the others commit together. When the shared transaction itself fails (a piece that was not
 * isolated threw, its COMMIT failed, or SQLite rolled it all back), each piece runs again alone, so each settles with
 * its own outcome exactly as without grouping (a busy lock fails them all: nothing ran). Work reports a refusal by
 * returning it, never by throwing.
 */
export function createUnitOfWork (db: Db, hooks: TransactionHooks = { begin: () => {}, end: () => {} }): UnitOfWork {
  const bracketed = <T>(fn: () => T): T => {
    hooks.begin()
    try {
      return fn()
    } finally {
      hooks.end()
    }
  }
  const alone = db.transaction((work: () => unknown) => bracketed(work))
  // Inside `together`, better-sqlite3 runs a transaction function as a SAVEPOINT, and undoes only it when it throws.
  const savepoint = db.transaction((work: () => unknown) => work())
  const together = db.transaction((jobs: Job[]) => bracketed(() => jobs.map((job): Settled => {
    if (!job.isolated) return { ok: true, value: job.work() }
    try {
      return { ok: true, value: savepoint(job.work) }
    } catch (error) {
      // SQLite ends the whole transaction on some errors (a full disk, I/O): the pieces after this one would then
      // write outside any transaction. Throwing ends `together`, and every piece runs again alone.
      if (!db.inTransaction) throw error
      return { ok: false, error }
    }
  })))
  let queue: Job[] = []

  function flush (): void {
    const jobs = queue
    queue = []
    let results: Settled[]
    try {
      results = jobs.length === 1 ? [{ ok: true, value: alone.immediate(jobs[0]!.work) }] : together.immediate(jobs)
    } catch (error) {
      // Busy means the lock was not had in busy_timeout: nothing ran, and each alone would only wait again.
      if (jobs.length === 1 || (error as { code?: unknown }).code === 'SQLITE_BUSY') {
        for (const job of jobs) job.reject(error)
        return
      }
      for (const job of jobs) {
        try {
          job.resolve(alone.immediate(job.work))
        } catch (error) {
          job.reject(error)
        }
      }
      return
    }
    for (let i = 0; i < jobs.length; i++) {
      const settled = results[i]!
      if (settled.ok) jobs[i]!.resolve(settled.value)
      else jobs[i]!.reject(settled.error)
    }
  }

  return {
    run: <T>(work: () => T, options: RunOptions = {}) => new Promise<T>((resolve, reject) => {
      // setImmediate runs after the I/O of this turn: every request parsed in it has queued its work by then.
      if (queue.push({ work, isolated: options.isolated === true, resolve: resolve as (value: unknown) => void, reject }) === 1) setImmediate(flush)
    })
  }
}
