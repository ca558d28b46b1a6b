// The worker-thread checkpointer: it copies the -wal into the database file while the writer goes on, and it
// reports what goes wrong instead of throwing it anywhere.
import t from 'tap'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.js'
import { backstopPages, startCheckpointer } from '../../src/db/checkpointer.js'
import { openWorld } from '../../src/world.js'
import { until } from '../patience.js'
import { FILL_BYTES, walOnly } from './wal-only.js'

/** A database file of its own, which only a checkpointer can move pages into. */
function walOnlyFile (path: string) {
  const db = openDatabase(path)
  return { db, path, ...walOnly(db, path) }
}

t.test('pages committed to the -wal reach the database file without the writer checkpointing', async t => {
  const { db, path, before, fill } = walOnlyFile(join(t.testdir(), 'ck.db'))
  t.teardown(() => db.close())
  fill()
  t.equal(statSync(path).size, before, 'committed, but only to the -wal')

  const errors: unknown[] = []
  const checkpointer = startCheckpointer({ intervalMs: 10, onError: error => errors.push(error) })
  checkpointer.add(path)
  await until('the database file to grow', () => statSync(path).size >= before + FILL_BYTES)
  await checkpointer.stop()
  t.same(errors, [])
  const [result] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number, log: number, checkpointed: number }>
  t.equal(result!.checkpointed, result!.log, 'every -wal frame copied')
})

t.test('a database the checkpointer cannot open is reported with its path, and the others are still checkpointed', async t => {
  const errors: Array<{ error: { message: string }, path: string }> = []
  const checkpointer = startCheckpointer({ intervalMs: 10, onError: (error, path) => errors.push({ error, path }) })
  t.teardown(() => checkpointer.stop())
  const dir = t.testdir()
  const missing = join(dir, 'missing.db')
  checkpointer.add(missing)
  await until('the error report', () => errors.length > 0)
  t.match(errors, [{ error: { message: /unable to open database file/, code: 'SQLITE_CANTOPEN' }, path: missing }])

  const { db, path, before, fill } = walOnlyFile(join(dir, 'other.db'))
  t.teardown(() => db.close())
  checkpointer.add(path)
  fill()
  await until('the other database file to grow', () => statSync(path).size >= before + FILL_BYTES)
  t.equal(errors.length, 1, 'nothing more went wrong')
})

t.test('one worker checkpoints several databases; one removed is closed and left alone', async t => {
  const checkpointer = startCheckpointer({ intervalMs: 10, onError: error => t.fail(error.message) })
  t.teardown(() => checkpointer.stop())
  const dir = t.testdir()
  const kept = walOnlyFile(join(dir, 'kept.db'))
  const removed = walOnlyFile(join(dir, 'removed.db'))
  t.teardown(() => { kept.db.close(); removed.db.close() })
  checkpointer.add(kept.path)
  checkpointer.add(removed.path)
  removed.fill()
  await until('the database file that is still to be removed to grow', () => statSync(removed.path).size >= removed.before + FILL_BYTES)

  await checkpointer.remove(removed.path)
  const size = statSync(removed.path).size
  removed.fill()
  kept.fill()
  // Each tick of the worker checkpoints every database it holds: once the kept one has grown, a tick has passed.
  await until('the kept database file to grow', () => statSync(kept.path).size >= kept.before + FILL_BYTES)
  t.equal(statSync(removed.path).size, size, 'the removed database\'s new pages stay in its -wal')
  await checkpointer.remove(removed.path)
  t.pass('removing it again is nothing')
  await checkpointer.stop()
})

t.test('the writer\'s own checkpoint, a backstop for a lagging worker: a quarter of the database, at least 4,000 pages', async t => {
  t.equal(backstopPages(600), 4000, '10,000 keys: 16 MiB of -wal')
  t.equal(backstopPages(16_000), 4000)
  t.equal(backstopPages(59_000), 14_750, '1,000,000 keys: about 58 MiB')
  const world = openWorld({ path: join(t.testdir(), 'w.db'), clock: { now: () => 5 }, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 })
  t.teardown(() => world.close())
  t.equal(world.db.pragma('wal_autocheckpoint', { simple: true }), 1000, 'SQLite\'s own until the worker starts')
  const checkpointer = startCheckpointer({ intervalMs: 10, onError: error => t.fail(error.message) })
  t.teardown(() => checkpointer.stop())
  world.checkpointInBackground(checkpointer)
  t.equal(world.db.pragma('wal_autocheckpoint', { simple: true }), 4000, 'then the backstop of a small database')
  // Closed before the test's folder goes: the worker's connection to a deleted file would fail (and say so).
  await world.close()
  await checkpointer.stop()
})
