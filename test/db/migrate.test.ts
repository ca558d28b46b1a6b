import t from 'tap'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { openDatabase, writeTransaction } from '../../src/db/database.js'
import { migrate, MigrationError, readMigrations } from '../../src/db/migrate.js'
import { migrationsDir } from '../../src/paths.js'

t.test('opens every connection with WAL, busy_timeout, foreign keys and synchronous=NORMAL', async t => {
  const db = openDatabase(join(t.testdir(), 'sub', 'dir', 'x.db'))
  t.teardown(() => db.close())
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  t.equal(db.pragma('busy_timeout', { simple: true }), 5000)
  t.equal(db.pragma('foreign_keys', { simple: true }), 1)
  t.equal(db.pragma('synchronous', { simple: true }), 1, 'NORMAL')
})

t.test('applies the project migrations in order, records them, and is idempotent', async t => {
  const db = openDatabase(join(t.testdir(), 'x.db'))
  t.teardown(() => db.close())
  const migrations = readMigrations(migrationsDir)
  t.strictSame(migrate(db, migrations, 42), migrations.map(m => m.version))
  t.strictSame(db.prepare('SELECT version, name, applied_at FROM schema_migrations').all(),
    migrations.map(m => ({ version: m.version, name: m.name, applied_at: 42 })))
  t.strictSame(migrate(db, migrations), [], 'nothing left to apply')
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()
  t.strictSame(tables, ['api_keys', 'project_members', 'projects', 'schema_migrations', 'signing_keys', 'users'])
  const columns = db.prepare('SELECT name FROM pragma_table_info(\'api_keys\')').pluck().all()
  t.notOk(columns.some(c => String(c).includes('secret') || c === 'value'), 'no column could hold a secret')
})

t.test('each migration runs in its own transaction: a failing one leaves nothing behind', async t => {
  const dir = t.testdir({
    '001_good.sql': 'CREATE TABLE a (x INTEGER);',
    '002_bad.sql': 'CREATE TABLE b (x INTEGER); INSERT INTO nope VALUES (1);'
  })
  const db = openDatabase(join(dir, 'x.db'))
  t.teardown(() => db.close())
  t.throws(() => migrate(db, readMigrations(dir)), /no such table: nope/)
  t.strictSame(db.prepare('SELECT version FROM schema_migrations').pluck().all(), [1])
  t.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get(), 0, 'table b rolled back')
  writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE b (x INTEGER);')
  t.strictSame(migrate(db, readMigrations(dir)), [2], 'the fixed migration applies later')
})

t.test('refuses a database newer than it knows', async t => {
  const db = openDatabase(join(t.testdir(), 'x.db'))
  t.teardown(() => db.close())
  migrate(db, readMigrations(migrationsDir))
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future')
  t.throws(() => migrate(db, readMigrations(migrationsDir)),
    new MigrationError(`the database is at schema version 99, newer than this server knows (${readMigrations(migrationsDir).length}): upgrade basic-admin-mock`))
})

t.test('refuses gaps and repeated numbers in the migration files', async t => {
  t.throws(() => readMigrations(t.testdir({ '001_a.sql': '', '003_c.sql': '' })), /found 3 in position 2/)
  t.throws(() => readMigrations(t.testdir({ '001_a.sql': '', '001_b.sql': '' })), /found 1 in position 2/)
  t.strictSame(readMigrations(t.testdir({ '001_a.sql': 'x', 'README.md': '' })).map(m => m.name), ['a'], 'other files are ignored')
})

t.test('two connections migrating one file at once apply each migration once', async t => {
  const path = join(t.testdir(), 'x.db')
  const a = openDatabase(path)
  const b = openDatabase(path)
  t.teardown(() => { a.close(); b.close() })
  const migrations = readMigrations(migrationsDir)
  // b reads "version 0" before a applies, then must skip what a already did.
  t.strictSame(migrate(a, migrations), migrations.map(m => m.version))
  t.strictSame(migrate(b, migrations), [])
  t.equal(b.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), migrations.length)
})

t.test('writeTransaction takes the write lock at BEGIN, so writers queue instead of failing mid-way', async t => {
  const path = join(t.testdir(), 'x.db')
  const a = openDatabase(path)
  const b = openDatabase(path)
  t.teardown(() => { a.close(); b.close() })
  b.pragma('busy_timeout = 0')
  writeTransaction(a, () => {
    // a has written nothing yet: only an IMMEDIATE transaction already holds the lock here.
    t.throws(() => b.exec('BEGIN IMMEDIATE'), { code: 'SQLITE_BUSY' })
  })
  t.doesNotThrow(() => { b.exec('BEGIN IMMEDIATE'); b.exec('COMMIT') }, 'free again after commit')
})
