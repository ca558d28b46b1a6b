// The worker-thread checkpointer: it copies the -wal into the database file while the writer goes on, and it
// reports what goes wrong instead of throwing it anywhere.
import t from 'tap'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.js'
import { backstopPages, startCheckpointer } from '../../src/db/checkpointer.js'
import { openWorld } from '../../src/world.js'
import { until } from '../patience.js'

t.test('pages committed to the -wal reach the database file without the writer checkpointing', async t => {
  const path = join(t.testdir(), 'ck.db')
  const db = openDatabase(path)
  t.teardown(() => db.close())
  // This connection never checkpoints: only the worker can move pages into the database file.
  db.pragma('wal_autocheckpoint = 0')
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)')
  db.pragma('wal_checkpoint(TRUNCATE)')
  const before = statSync(path).size
  const insert = db.prepare('INSERT INTO filler (data) VALUES (randomblob(3000))')
  db.transaction(() => { for (let i = 0; i < 200; i++) insert.run() })()
  t.equal(statSync(path).size, before, 'committed, but only to the -wal')

  const errors: unknown[] = []
  const checkpointer = startCheckpointer(path, { intervalMs: 10, onError: error => errors.push(error) })
  await until('the database file to grow', () => statSync(path).size >= before + 200 * 3000)
  await checkpointer.stop()
  t.same(errors, [])
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number, log: number, checkpointed: number }>
  t.equal(result!.checkpointed, result!.log, 'every -wal frame copied')
})

t.test('a checkpointer that cannot open its database reports it and stops', async t => {
  const errors: Array<{ message: string }> = []
  const checkpointer = startCheckpointer(join(t.testdir(), 'missing.db'), { intervalMs: 10, onError: error => errors.push(error) })
  await until('the error report', () => errors.length > 0)
  await checkpointer.stop()
  t.match(errors, [{ message: /unable to open database file/, code: 'SQLITE_CANTOPEN' }])
})

t.test('the writer\'s own checkpoint, a backstop for a lagging worker: a quarter of the database, at least 4,000 pages', async t => {
  t.equal(backstopPages(600), 4000, '10,000 keys: 16 MiB of -wal')
  t.equal(backstopPages(16_000), 4000)
  t.equal(backstopPages(59_000), 14_750, '1,000,000 keys: about 58 MiB')
  const world = openWorld({ path: join(t.testdir(), 'w.db'), clock: { now: () => 5 }, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 })
  t.teardown(() => world.close())
  t.equal(world.db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'SQLite\'s own until the worker starts')
  world.checkpointInBackground(() => {})
  t.equal(world.db.pragma('wal_autocheckpoint', { simple: true }), 4000, 'then the backstop of a small database')
})
