// A database whose own connection no longer checkpoints, so that only a checkpointer can move pages into its file:
// the tests of the checkpoint worker watch the file grow by what `fill` commits.
import { statSync } from 'node:fs'
import type { Db } from '../../src/db/database.js'

export const FILL_BYTES = 200 * 3000

export function walOnly (db: Db, path: string): { before: number, fill: () => void } {
  db.pragma('wal_autocheckpoint = 0')
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)')
  db.pragma('wal_checkpoint(TRUNCATE)')
  const insert = db.prepare('INSERT INTO filler (data) VALUES (randomblob(3000))')
  return { before: statSync(path).size, fill: () => db.transaction(() => { for (let i = 0; i < 200; i++) insert.run() })() }
}
