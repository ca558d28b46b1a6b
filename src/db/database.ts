import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

/** Opens (creating if needed) the database file with the pragmas every connection needs. */
export function openDatabase (path: string): Db {
  if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  // Another process (a second server, the CLI) may hold the write lock briefly; set first, so switching to WAL waits too.
  db.pragma('busy_timeout = 5000')
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  // Safe with WAL: a power loss may drop the last commits, never corrupt the file.
  db.pragma('synchronous = NORMAL')
  return db
}

/** Runs fn in a BEGIN IMMEDIATE transaction, so writers queue on busy_timeout instead of failing mid-way. */
export function writeTransaction<T> (db: Db, fn: () => T): T {
  return db.transaction(fn).immediate()
}

/** writeTransaction made once, for writes on a hot path: better-sqlite3's wrapper is costly to build per call. */
export function immediateTransaction<A extends unknown[], R> (db: Db, fn: (...args: A) => R): (...args: A) => R {
  const transaction = db.transaction(fn)
  return (...args: A) => transaction.immediate(...args)
}
