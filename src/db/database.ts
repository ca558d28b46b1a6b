import Database from 'better-sqlite3'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export type Db = Database.Database

/** A database that cannot be opened or set up: the message names DATABASE_PATH and what to do, in one line. */
export class DatabaseOpenError extends Error {}

const FIX = 'set DATABASE_PATH to a file in a folder this user can write, or to :memory:'

/**
 * mkdir -p one folder at a time, from the deepest that exists: Node's recursive mkdirSync loops forever where mkdir
 * answers ENOENT under a parent that exists (/proc/none spun at 84% CPU). Throws the first folder's own error.
 */
export function makeFolder (folder: string): void {
  const missing: string[] = []
  for (let current = resolve(folder); !existsSync(current); current = dirname(current)) {
    missing.unshift(current)
    if (dirname(current) === current) break
  }
  for (const each of missing) {
    try {
      mkdirSync(each)
    } catch (error) {
      // Made meanwhile by another process: fine, if it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(each).isDirectory()) throw error
    }
  }
}

/** Opens (creating if needed) the database file with the pragmas every connection needs. */
export function openDatabase (path: string): Db {
  const file = path !== ':memory:' && !path.startsWith('file:')
  if (file) {
    try {
      makeFolder(dirname(path))
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException
      throw new DatabaseOpenError(`DATABASE_PATH ${path}: cannot create its folder ${dirname(path)} (${code ?? message}): ${FIX}`)
    }
    // SQLite would open a device (/dev/zero) and write its journal beside it.
    const stat = statSync(path, { throwIfNoEntry: false })
    if (stat !== undefined && !stat.isFile()) throw new DatabaseOpenError(`DATABASE_PATH ${path} is not a file (${stat.isDirectory() ? 'a folder' : 'a device, pipe or socket'}): ${FIX}`)
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
