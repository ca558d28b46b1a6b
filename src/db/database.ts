import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export type Db = Database.Database

/** A database that cannot be opened or set up: the message names DATABASE_PATH and what to do, in one line. */
export class DatabaseOpenError extends Error {}

const FIX = 'set DATABASE_PATH to a file in a folder this user can write, or to :memory:'

/** Opens (creating if needed) the database file with the pragmas every connection needs. */
export function openDatabase (path: string): Db {
  const file = path !== ':memory:' && !path.startsWith('file:')
  if (file) {
    try {
      mkdirSync(dirname(path), { recursive: true })
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException
      throw new DatabaseOpenError(`DATABASE_PATH ${path}: cannot create its folder ${dirname(path)} (${code ?? message}): ${FIX}`)
    }
  }
  let db: Db | undefined
  try {
    db = new Database(path)
    // Another process (a second server, the CLI) may hold the write lock briefly; set first, so switching to WAL waits too.
    db.pragma('busy_timeout = 5000')
    db.pragma('journal_mode = WAL')
    db.pragma('foreign_keys = ON')
    // Safe with WAL: a power loss may drop the last commits, never corrupt the file.
    db.pragma('synchronous = NORMAL')
    return db
  } catch (error) {
    db?.close()
    const { code, message } = error as { code?: string, message: string }
    if (code === 'SQLITE_NOTADB') throw new DatabaseOpenError(`DATABASE_PATH ${path} is not a SQLite database (${code}): set DATABASE_PATH to another file, or move this one away`)
    // SQLite's own text ("unable to open database file") names neither the file nor the reason, so both are said here.
    if (code?.startsWith('SQLITE_') === true) throw new DatabaseOpenError(`DATABASE_PATH ${path}: cannot open or write the database file (${code}: ${message}): ${FIX}`)
    throw error
  }
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
