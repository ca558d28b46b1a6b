// The unit of work's group commit: the work queued in one event-loop turn shares one transaction, and each caller
// hears back after COMMIT.
import t from 'tap'
import Database from 'better-sqlite3'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, type Db } from '../../src/db/database.js'
import { createUnitOfWork } from '../../src/db/unit-of-work.js'
import { query } from '../helper.js'

const PAGE = 4096
const FRAME = 24 + PAGE
const WAL_HEADER = 32

function counterDatabase (dir: string): { db: Db, path: string } {
  const path = join(dir, 'group.db')
  const db = openDatabase(path)
  db.pragma(`page_size = ${PAGE}`)
  db.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0)); INSERT INTO counter VALUES (1, 0)')
  // Start from an empty -wal, so its size counts the commits that follow.
  db.pragma('wal_checkpoint(TRUNCATE)')
  return { db, path }
}

const walFrames = (path: string): number => (statSync(`${path}-wal`).size - WAL_HEADER) / FRAME

t.test('ten writes in one turn are one COMMIT, ten writes in ten turns are ten', async t => {
  const { db, path } = counterDatabase(t.testdir())
  t.teardown(() => db.close())
  const add = db.prepare<[number]>('UPDATE counter SET n = n + ? WHERE id = 1 RETURNING n')
  const { run } = createUnitOfWork(db)
  const increment = (by: number): Promise<number> => run(() => (add.all(by)[0] as { n: number }).n)

  const together = await Promise.all(Array.from({ length: 10 }, () => increment(1)))
  t.same(together, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'run in call order, each seeing the ones before it')
  // One commit writes the one changed page once: a single frame.
  t.equal(walFrames(path), 1, 'one transaction')

  for (let i = 0; i < 10; i++) await increment(1)
  t.equal(walFrames(path), 11, 'one transaction each')
})

t.test('a caller hears back only once its write is committed and visible to another connection', async t => {
  const { db, path } = counterDatabase(t.testdir())
  t.teardown(() => db.close())
  // Another connection, opened for each read.
  const read = (): number => query<{ n: number }>(path, 'SELECT n FROM counter')[0]!.n
  const set = db.prepare<[number]>('UPDATE counter SET n = ?')
  const { run } = createUnitOfWork(db)
  const write = (n: number): Promise<number> => run(() => { set.run(n); return n })

  const pending = write(7)
  t.equal(read(), 0, 'not yet written when the call returns')
  t.equal(db.inTransaction, false, 'nor is a transaction left open')
  t.equal(await pending, 7)
  t.equal(read(), 7, 'committed when the promise settles')
})

t.test('when one write of a turn fails, the others still commit and each caller gets its own outcome', async t => {
  const { db } = counterDatabase(t.testdir())
  t.teardown(() => db.close())
  const add = db.prepare<[number]>('UPDATE counter SET n = n + ? WHERE id = 1 RETURNING n')
  const { run } = createUnitOfWork(db)
  const increment = (by: number): Promise<number> => run(() => (add.all(by)[0] as { n: number }).n)

  const outcomes = await Promise.allSettled([increment(2), increment(-5), increment(3)])
  t.same(outcomes.map(o => o.status), ['fulfilled', 'rejected', 'fulfilled'])
  t.same(outcomes.map(o => o.status === 'fulfilled' ? o.value : undefined), [2, undefined, 5])
  t.match((outcomes[1] as PromiseRejectedResult).reason, { code: 'SQLITE_CONSTRAINT_CHECK' })
  t.equal(db.prepare('SELECT n FROM counter').pluck().get(), 5, 'the two good writes, once each')
  t.equal(db.inTransaction, false)

  t.same(await Promise.all([increment(1), increment(1)]), [6, 7], 'the next turn groups again')
})

t.test('an isolated piece of work that throws is undone alone: the others ran once, and committed in the one transaction', async t => {
  const { db, path } = counterDatabase(t.testdir())
  t.teardown(() => db.close())
  const add = db.prepare<[number]>('UPDATE counter SET n = n + ? WHERE id = 1 RETURNING n')
  const { run } = createUnitOfWork(db)
  const runs = [0, 0, 0]
  // The second writes, then throws as a fixture does on its first bad row (FixtureError): its write must go.
  const work = [
    () => { runs[0]!++; return (add.all(2)[0] as { n: number }).n },
    () => { runs[1]!++; add.run(100); throw new Error('bad row') },
    () => { runs[2]!++; return (add.all(3)[0] as { n: number }).n }
  ]

  // The fixture loader's work is isolated; a request's is not (it returns its refusals).
  const outcomes = await Promise.allSettled(work.map((w, i) => run(w, { isolated: i === 1 })))
  t.same(outcomes.map(o => o.status === 'fulfilled' ? o.value : (o.reason as Error).message), [2, 'bad row', 5])
  t.same(runs, [1, 1, 1], 'each ran once: the batch was not rolled back and done again')
  t.equal(walFrames(path), 1, 'one transaction committed both good writes')
  t.equal(db.prepare('SELECT n FROM counter').pluck().get(), 5, 'the failed work\'s own write is undone')
  t.equal(db.inTransaction, false)
})

t.test('a write lock held elsewhere past busy_timeout fails the whole turn with SQLITE_BUSY, and the next turn writes', async t => {
  const { db, path } = counterDatabase(t.testdir())
  const other = new Database(path)
  other.pragma('busy_timeout = 5000')
  t.teardown(() => { other.close(); db.close() })
  db.pragma('busy_timeout = 50')
  const set = db.prepare<[number]>('UPDATE counter SET n = ?')
  const { run } = createUnitOfWork(db)
  const write = (n: number): Promise<number> => run(() => { set.run(n); return n })

  other.prepare('BEGIN IMMEDIATE').run()
  const blocked = await Promise.allSettled([write(1), write(2)])
  t.match(blocked, [{ status: 'rejected', reason: { code: 'SQLITE_BUSY' } }, { status: 'rejected', reason: { code: 'SQLITE_BUSY' } }])
  other.prepare('COMMIT').run()
  t.same(await Promise.all([write(3), write(4)]), [3, 4])
  t.equal(db.prepare('SELECT n FROM counter').pluck().get(), 4)
})
