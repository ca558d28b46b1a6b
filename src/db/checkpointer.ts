import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * Checkpoints in a worker thread. Under PATCH load, the checkpoint SQLite runs in the committing connection every
 * 1,000 -wal pages (copy the pages, two fsyncs) stalled the event loop 10-13 ms at a time, about 15% of the time.
 * A second connection on a worker thread now copies the -wal into the database every `intervalMs`, PASSIVE, so it
 * never blocks a writer. That alone cannot restart the -wal from its beginning while writes go on (it grew past
 * 350 MB so), so the server's own connection keeps an automatic checkpoint as a backstop (BACKSTOP_PAGES): it
 * finds most pages already copied and synced, and it bounds the -wal file even when this worker lags or stops.
 */
export interface Checkpointer {
  stop: () => Promise<void>
}

/** The server connection's wal_autocheckpoint while a worker checkpoints: at most about 16 MiB of -wal. */
export const BACKSTOP_PAGES = 4000

// CommonJS run with eval: nothing to resolve or compile, the same from src/ (tests) and dist/ (the package).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const report = (error) => parentPort.postMessage({ error: { message: String(error.message), code: error.code } })
let db
try {
  db = new Database(workerData.path, { fileMustExist: true })
  db.pragma('busy_timeout = 5000')
} catch (error) {
  report(error)
  process.exit(1)
}
let failed = false
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    failed = false
  } catch (error) {
    // Said once per run of failures (a full disk fails every attempt), and tried again on the next tick.
    if (!failed) report(error)
    failed = true
  }
}, workerData.intervalMs)
parentPort.on('message', () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

export function startCheckpointer (path: string, options: { intervalMs: number, onError: (error: { message: string, code?: string }) => void }): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, intervalMs: options.intervalMs },
    // A loop of one pragma needs little heap; the default limits would let it grow like the server's.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    stdout: false,
    stderr: false
  })
  // Never what keeps a process alive: the server stops it on close, and a forgotten close must not hang an exit.
  worker.unref()
  worker.on('message', (message: { error: { message: string, code?: string } }) => options.onError(message.error))
  worker.on('error', (error: Error & { code?: string }) => options.onError({ message: String(error.message ?? error), code: error.code }))
  const exited = new Promise<void>(resolve => worker.once('exit', () => resolve()))
  return {
    stop: async () => {
      // Held until it has closed its connection.
      worker.ref()
      worker.postMessage('stop')
      await exited
    }
  }
}
