// The worker thread of src/db/checkpointer.ts: a connection of its own to each database file it is given, copying
// each -wal into its file every `intervalMs`, PASSIVE, so it never blocks a writer. One thread serves every database
// of a server (the default namespace's and each other namespace's).
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

export interface CheckpointWorkerData { intervalMs: number }
/** From the parent: checkpoint a database from now on, or stop (and close its connection), or stop everything. */
export type CheckpointWorkerCommand = { add: string } | { remove: string, id: number } | 'stop'
/** To the parent: a database's connection is closed (answering a remove), or what went wrong with one. */
export type CheckpointWorkerReport = { removed: number } | { error: { message: string, code?: string }, path: string }

const port = parentPort!
const { intervalMs } = workerData as CheckpointWorkerData
const report = (path: string, error: unknown): void => {
  const { message, code } = error as { message?: unknown, code?: unknown }
  port.postMessage({ error: { message: String(message), ...(typeof code === 'string' ? { code } : {}) }, path } satisfies CheckpointWorkerReport)
}

interface Checkpointed { db: Database.Database, failing: boolean }
const databases = new Map<string, Checkpointed>()

function add (path: string): void {
  if (databases.has(path)) return
  try {
    const db = new Database(path, { fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    databases.set(path, { db, failing: false })
  } catch (error) {
    report(path, error)
  }
}

function remove (path: string): void {
  databases.get(path)?.db.close()
  databases.delete(path)
}

const timer = setInterval(() => {
  for (const [path, database] of databases) {
    try {
      database.db.pragma('wal_checkpoint(PASSIVE)')
      database.failing = false
    } catch (error) {
      // Said once per run of failures (a full disk fails every attempt), and tried again on the next tick.
      if (!database.failing) report(path, error)
      database.failing = true
    }
  }
}, intervalMs)

port.on('message', (command: CheckpointWorkerCommand) => {
  if (command === 'stop') {
    clearInterval(timer)
    for (const path of [...databases.keys()]) remove(path)
    port.close()
  } else if ('add' in command) {
    add(command.add)
  } else {
    remove(command.remove)
    port.postMessage({ removed: command.id } satisfies CheckpointWorkerReport)
  }
})
