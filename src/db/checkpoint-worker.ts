// The worker thread of src/db/checkpointer.ts: its own connection to the database file, copying the -wal into it
// every `intervalMs`, PASSIVE, so it never blocks a writer. Stops when the parent posts any message.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

export interface CheckpointWorkerData { path: string, intervalMs: number }
export interface CheckpointWorkerError { error: { message: string, code?: string } }

const port = parentPort!
const { path, intervalMs } = workerData as CheckpointWorkerData
const report = (error: unknown): void => {
  const { message, code } = error as { message?: unknown, code?: unknown }
  port.postMessage({ error: { message: String(message), ...(typeof code === 'string' ? { code } : {}) } } satisfies CheckpointWorkerError)
}

let db: Database.Database
try {
  db = new Database(path, { fileMustExist: true })
  db.pragma('busy_timeout = 5000')
} catch (error) {
  report(error)
  process.exit(1)
}

let failing = false
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    failing = false
  } catch (error) {
    // Said once per run of failures (a full disk fails every attempt), and tried again on the next tick.
    if (!failing) report(error)
    failing = true
  }
}, intervalMs)

port.on('message', () => {
  clearInterval(timer)
  db.close()
  port.close()
})
