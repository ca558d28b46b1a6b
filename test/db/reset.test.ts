// A reset empties every table the schema has, read from the schema itself: a table a later migration adds is
// emptied without anyone listing it; only the migrations' record and the RS256 key pair stay.
import t from 'tap'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.js'
import { migrate, readMigrations } from '../../src/db/migrate.js'
import { emptyTables } from '../../src/db/reset.js'
import { migrationsDir } from '../../src/paths.js'

t.test('a table a new migration adds is emptied by a reset, with every other table but the kept two', async t => {
  const db = openDatabase(join(t.testdir(), 'x.db'))
  t.teardown(() => db.close())
  const migrations = readMigrations(migrationsDir)
  const extra = { version: migrations.length + 1, name: 'extra', sql: 'CREATE TABLE webhooks (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects (id))' }
  migrate(db, [...migrations, extra], 1)
  db.exec(`
    INSERT INTO users VALUES ('u', 'u@example.com', 'U', 1);
    INSERT INTO projects VALUES ('p', 'P', 1);
    INSERT INTO project_members VALUES ('p', 'u', 'owner');
    INSERT INTO api_keys (id, project_id, label, roles, key_hash, created_at, updated_at) VALUES ('k', 'p', 'K', 'admin', x'00', 1, 1);
    INSERT INTO signing_keys VALUES ('kid', 'RS256', 'pem', 1);
    INSERT INTO webhooks VALUES ('w', 'p');`)
  const count = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

  const emptied = db.transaction(() => emptyTables(db)).immediate()
  t.strictSame(emptied, ['api_keys', 'project_members', 'projects', 'users', 'webhooks'], 'every table but the kept ones, the new one too')
  for (const table of emptied) t.equal(count(table), 0, `${table} is empty`)
  t.equal(count('schema_migrations'), migrations.length + 1, 'the migrations\' record stays')
  t.equal(count('signing_keys'), 1, 'the key pair stays: tokens minted before a reset stay valid')
  t.same(db.pragma('foreign_key_check'), [], 'no dangling reference')
})
