import type { Db } from './database.js'

// Kept by a reset: the schema's own bookkeeping, and the RS256 key pair (tokens minted before a reset stay valid).
const KEPT = new Set(['schema_migrations', 'signing_keys'])

/**
 * Empties every table of the schema but KEPT, read from the schema itself so that a table a new migration adds is
 * emptied too. Run inside the caller's write transaction; foreign keys are checked at its commit, so the order of
 * the deletes does not matter.
 */
export function emptyTables (db: Db): string[] {
  const tables = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()
    .filter(name => !KEPT.has(name))
  db.pragma('defer_foreign_keys = ON')
  // A DELETE without WHERE on a table with triggers runs row by row, so the key memory's triggers still see each key.
  for (const table of tables) db.prepare(`DELETE FROM "${table.replace(/"/g, '""')}"`).run()
  return tables
}
