// The key memory alone, on a world's database: what it answers after each kind of write, and that a transaction that
// rolls back leaves nothing of what it read behind.
import t, { type Test } from 'tap'
import { keyCredential } from '../../src/domain/credential.js'
import { seedOnStart } from '../../src/operations/seed.js'
import { openWorld } from '../../src/world.js'
import { FIXTURE, SECRETS } from '../helper.js'

function world (t: Test) {
  const opened = openWorld({ path: ':memory:', clock: { now: () => 5 }, seed: { fixture: FIXTURE, source: undefined, demo: false }, journalSize: 0 })
  seedOnStart(opened)
  t.teardown(() => opened.close())
  return opened
}

const find = (w: ReturnType<typeof world>, secret: string) => {
  const { hash, memo } = keyCredential(secret)
  return w.memory.find(hash, memo)
}

t.test('a key found outside a transaction is remembered; the next find is a hit with the same answer', async t => {
  const w = world(t)
  const first = find(w, SECRETS.key_admin)
  t.strictSame(first, { kind: 'key', keyId: 'key_admin', projectId: 'proj_one', roles: 'admin', admin: true })
  t.strictSame(find(w, SECRETS.key_admin), first)
  t.strictSame(w.memory.stats(), { hits: 1, misses: 1 })
  t.equal(find(w, 'basic_key_unknown_00000000000000000000000000'), undefined)
  t.equal(find(w, 'basic_key_unknown_00000000000000000000000000'), undefined)
  t.strictSame(w.memory.stats(), { hits: 1, misses: 3 }, 'an unknown secret is looked up every time, never remembered')
})

t.test('what a rolled-back transaction changed and read is not remembered after it', async t => {
  const w = world(t)
  t.match(find(w, SECRETS.key_read), { roles: 'read,app:db:read' }, 'remembered before')
  t.throws(() => w.transactNow(() => {
    w.db.prepare("UPDATE api_keys SET roles = 'admin' WHERE id = 'key_read'").run()
    t.match(find(w, SECRETS.key_read), { roles: 'admin', admin: true }, 'inside, the transaction sees its own change')
    throw new Error('roll back')
  }), /roll back/)
  t.match(find(w, SECRETS.key_read), { roles: 'read,app:db:read', admin: false }, 'after the rollback, the committed roles')
})

t.test('only changes to what a secret means forget a key: its hash, roles or project, or its deletion', async t => {
  const w = world(t)
  const hitsAfter = (sql: string): number => {
    find(w, SECRETS.key_read)
    const before = w.memory.stats().hits
    w.db.prepare(sql).run()
    find(w, SECRETS.key_read)
    return w.memory.stats().hits - before
  }
  t.equal(hitsAfter("UPDATE api_keys SET label = 'x', updated_at = 9, last_used = 9 WHERE id = 'key_read'"), 1, 'label and times: still a hit')
  t.equal(hitsAfter("UPDATE api_keys SET roles = roles WHERE id = 'key_read'"), 1, 'roles set to what they were: still a hit')
  t.equal(hitsAfter("UPDATE api_keys SET roles = 'read' WHERE id = 'key_read'"), 0, 'new roles: looked up again')
  t.equal(hitsAfter("UPDATE api_keys SET roles = 'admin' WHERE id = 'key_admin'"), 1, 'another key\'s change: still a hit')
})

t.test('the keys of 10,000 clients in turn are all remembered; one more forgets the oldest first', async t => {
  const w = world(t)
  const secret = (i: number): string => `basic_key_many_${String(i).padStart(28, '0')}`
  const insert = w.db.prepare("INSERT INTO api_keys (id, project_id, label, roles, key_hash, created_at, updated_at) VALUES (?, 'proj_one', 'many', 'read', ?, 5, 5)")
  w.db.transaction(() => { for (let i = 0; i <= 10_000; i++) insert.run(`key_many_${i}`, keyCredential(secret(i)).hash) })()
  for (let i = 0; i < 10_000; i++) find(w, secret(i))
  t.strictSame(w.memory.stats(), { hits: 0, misses: 10_000 }, 'each looked up in the table once')
  let wrong = 0
  for (let i = 0; i < 10_000; i++) if (find(w, secret(i))?.keyId !== `key_many_${i}`) wrong++
  t.equal(wrong, 0, 'each the right key')
  t.strictSame(w.memory.stats(), { hits: 10_000, misses: 10_000 }, 'then every one from memory')
  t.match(find(w, secret(10_000)), { keyId: 'key_many_10000' })
  t.match(find(w, secret(0)), { keyId: 'key_many_0' }, 'the oldest, forgotten, is looked up again')
  t.strictSame(w.memory.stats(), { hits: 10_000, misses: 10_002 })
})
