import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { CheckpointWorkerCommand, CheckpointWorkerData, CheckpointWorkerReport } from './checkpoint-worker.js'

/**
 * Checkpoints in a worker thread. Under PATCH load, the checkpoint SQLite runs in the committing connection every
 * 1,000 -wal pages (copy the pages, two fsyncs) stalled the event loop 10-13 ms at a time, about 15% of the time.
 * A second connection on a worker thread now copies the -wal into the database every `intervalMs`, PASSIVE, so it
 * never blocks a writer. That alone cannot restart the -wal from its beginning while writes go on (it grew past
 * 350 MB so), so the server's own connection keeps an automatic checkpoint as a backstop (backstopPages): it
 * finds most pages already copied and synced, and it bounds the -wal file even when this worker lags or stops.
 * One worker serves every database of a server: a namespace's is added when it opens and removed when it closes
 * (NAMESPACE_LIMIT allows 1,000 of them: a thread each would not do).
 */
export interface Checkpointer {
  /** Checkpoints this database file from now on (again is nothing). */
  add: (path: string) => void
  /** Stops checkpointing it; settles once the worker has closed its connection, so the file may go. */
  remove: (path: string) => Promise<void>
  /** Stops the worker, closing every connection it holds. */
  stop: () => Promise<void>
}

/**
 * The server connection's wal_autocheckpoint while a worker checkpoints: past it, every COMMIT checkpoints on the
 * event loop until the -wal restarts. A quarter of the database as opened, and at least 4,000 pages (16 MiB). With
 * 1,000,000 keys (59,000 pages) every PATCH writes pages of its own, the worker lags, and at 4,000 pages that
 * happened several times a second: 14,750 gave about 5% more PATCHes and a third off the p99 (docs/performance.md).
 * A small database keeps the 16 MiB bound, where the worker's copies are cheap and the restarts few.
 */
export function backstopPages (databasePages: number): number {
  return Math.max(4000, Math.ceil(databasePages / 4))
}

// The compiled worker beside this file (dist/ or dist-test/), or its source when run by tsx (the bench's scripts).
const WORKER = ((): URL => {
  const compiled = new URL('./checkpoint-worker.js', import.meta.url)
  return existsSync(fileURLToPath(compiled)) ? compiled : new URL('./checkpoint-worker.ts', import.meta.url)
})()

export function startCheckpointer (options: { intervalMs: number, onError: (error: { message: string, code?: string }, path: string) => void }): Checkpointer {
  const worker = new Worker(WORKER, {
    workerData: { intervalMs: options.intervalMs } satisfies CheckpointWorkerData,
    // Plain Node: loaders the parent was started with (a test runner's, tsx's) are not the worker's business.
    execArgv: WORKER.pathname.endsWith('.ts') ? process.execArgv : [],
    // A loop of pragmas needs little heap; the default limits would let it grow like the server's.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    stdout: false,
    stderr: false
  })
  // Never what keeps a process alive (a forgotten close must not hang an exit), except while an answer is awaited.
  worker.unref()
  const removals = new Map<number, () => void>()
  let removalId = 0
  const settled = (id: number): void => {
    removals.get(id)?.()
    removals.delete(id)
    if (removals.size === 0) worker.unref()
  }
  worker.on('message', (report: CheckpointWorkerReport) => {
    if ('removed' in report) settled(report.removed)
    else options.onError(report.error, report.path)
  })
  worker.on('error', (error: Error & { code?: string }) => options.onError({ message: String(error.message ?? error), code: error.code }, '(checkpoint worker)'))
  let stopped = false
  const exited = new Promise<void>(resolve => worker.once('exit', () => {
    stopped = true
    // A worker gone (stopped, or failed) has no connection left to close.
    for (const id of [...removals.keys()]) settled(id)
    resolve()
  }))
  return {
    add (path: string): void {
      if (!stopped) worker.postMessage({ add: path } satisfies CheckpointWorkerCommand)
    },
    remove: async (path: string) => {
      if (stopped) return
      await new Promise<void>(resolve => {
        removals.set(++removalId, resolve)
        worker.ref()
        worker.postMessage({ remove: path, id: removalId } satisfies CheckpointWorkerCommand)
      })
    },
    stop: async () => {
      // Held until it has closed its connections.
      worker.ref()
      worker.postMessage('stop' satisfies CheckpointWorkerCommand)
      await exited
    }
  }
}
