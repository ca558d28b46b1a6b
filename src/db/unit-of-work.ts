import type { Db } from './database.js'

interface Job { work: () => unknown, resolve: (value: unknown) => void, reject: (error: unknown) => void }

export interface UnitOfWork {
  /**
   * Runs `work` inside the write transaction of this event-loop turn, after every piece of work queued before it,
   * and settles once that transaction has committed: nothing answered can be lost.
   */
  run: <T>(work: () => T) => Promise<T>
}

/** Called at the start and the end of each transaction the unit of work runs, inside it. */
export interface TransactionHooks { begin: () => void, end: () => void }

/**
 * Group commit: the work queued in one event-loop turn runs in one BEGIN IMMEDIATE transaction, in queue order.
 * One COMMIT (its locks and its -wal write) per turn instead of per call is most of a PATCH's cost under load.
 * When the shared transaction fails, each piece runs again alone, so each settles with its own outcome exactly as
 * without grouping (a busy lock fails them all: nothing ran). Work reports a refusal by returning it, never by
 * throwing, which would undo the others' work too.
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
  const together = db.transaction((jobs: Job[]) => bracketed(() => jobs.map(job => job.work())))
  let queue: Job[] = []

  function flush (): void {
    const jobs = queue
    queue = []
    let results: unknown[]
    try {
      results = jobs.length === 1 ? [alone.immediate(jobs[0]!.work)] : together.immediate(jobs)
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
    for (let i = 0; i < jobs.length; i++) jobs[i]!.resolve(results[i])
  }

  return {
    run: <T>(work: () => T) => new Promise<T>((resolve, reject) => {
      // setImmediate runs after the I/O of this turn: every request parsed in it has queued its work by then.
      if (queue.push({ work, resolve: resolve as (value: unknown) => void, reject }) === 1) setImmediate(flush)
    })
  }
}
