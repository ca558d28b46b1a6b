import type { Db } from './database.js'

interface Job<A extends unknown[], R> { args: A, resolve: (value: R) => void, reject: (error: unknown) => void }

/**
 * Group commit: the calls made in one event-loop turn run in one BEGIN IMMEDIATE transaction, in call order, and
 * each promise settles only after that COMMIT, so nothing answered can be lost. One COMMIT (its locks and its -wal
 * write) per turn instead of per call is most of a PATCH's cost under load. When the shared transaction fails,
 * every call runs again alone, so each settles with its own outcome, exactly as without grouping (a busy lock
 * fails them all: nothing ran).
 */
export function groupCommit<A extends unknown[], R> (db: Db, fn: (...args: A) => R): (...args: A) => Promise<R> {
  const alone = db.transaction(fn)
  const together = db.transaction((jobs: Array<Job<A, R>>) => jobs.map(job => fn(...job.args)))
  let queue: Array<Job<A, R>> = []

  function flush (): void {
    const jobs = queue
    queue = []
    let results: R[]
    try {
      results = jobs.length === 1 ? [alone.immediate(...jobs[0]!.args)] : together.immediate(jobs)
    } catch (error) {
      // Busy means the lock was not had in busy_timeout: nothing ran, and each call alone would only wait again.
      if (jobs.length === 1 || (error as { code?: unknown }).code === 'SQLITE_BUSY') {
        for (const job of jobs) job.reject(error)
        return
      }
      for (const job of jobs) {
        try {
          job.resolve(alone.immediate(...job.args))
        } catch (error) {
          job.reject(error)
        }
      }
      return
    }
    for (let i = 0; i < jobs.length; i++) jobs[i]!.resolve(results[i]!)
  }

  return (...args: A) => new Promise<R>((resolve, reject) => {
    // setImmediate runs after the I/O of this turn: every request parsed in it has queued its write by then.
    if (queue.push({ args, resolve, reject }) === 1) setImmediate(flush)
  })
}
