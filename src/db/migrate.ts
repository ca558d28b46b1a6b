import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from './database.js'

export interface Migration { version: number, name: string, sql: string }

export class MigrationError extends Error {}

const FILE = /^(\d+)_([\w-]+)\.sql$/

/** The numbered SQL files of a folder, in order; a gap or a repeated number is an error. */
export function readMigrations (dir: string): Migration[] {
  const migrations = readdirSync(dir)
    .map(file => ({ file, match: FILE.exec(file) }))
    .filter(({ match }) => match !== null)
    .map(({ file, match }) => ({ version: Number(match![1]), name: match![2]!, sql: readFileSync(join(dir, file), 'utf8') }))
    .sort((a, b) => a.version - b.version)
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migrations must be numbered 1, 2, 3...: found ${m.version} in position ${i + 1}`)
  })
  return migrations
}

/** Applies the pending migrations, each in its own transaction; returns the versions applied. */
export function migrate (db: Db, migrations: Migration[], now = Date.now()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  const current = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0
  const known = migrations.length
  if (current > known) {
    throw new MigrationError(`the database is at schema version ${current}, newer than this server knows (${known}): upgrade basic-admin-mock`)
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck()
  const applied: number[] = []
  for (const migration of migrations.slice(current)) {
    // Checked again under the write lock: another process may have applied it meanwhile.
    const ran = db.transaction(() => {
      if (done.get(migration.version) !== undefined) return false
      db.exec(migration.sql)
      record.run(migration.version, migration.name, now)
      return true
    }).immediate()
    if (ran) applied.push(migration.version)
  }
  return applied
}
