import t from 'tap'
import { statSync } from 'node:fs'
import { build, bearer, patchKey, userToken } from '../helper.js'

// better-sqlite3 12 keeps a RETURNING statement open when read with .get(), and
// SQLite then never completes a checkpoint: the -wal file grows without bound.
t.test('the -wal file stays bounded after many thousand PATCHes', async t => {
  const { app, config } = await build(t)
  const auth = bearer(await userToken('user_owner'))
  const count = 5000
  for (let i = 0; i < count; i++) {
    const res = await patchKey(app, 'proj_one', i % 2 === 0 ? 'key_read' : 'key_admin', { label: `Label ${i} ${'x'.repeat(200)}` }, auth)
    if (res.statusCode !== 200) t.fail(`PATCH ${i} answered ${res.statusCode}`)
  }
  const wal = statSync(`${config.DATABASE_PATH}-wal`).size
  // Default autocheckpoint is 1000 pages (4 MiB); unbounded growth here would be ~40 MiB.
  t.ok(wal < 8 * 1024 * 1024, `-wal is ${wal} bytes after ${count} updates`)
  t.equal(app.world.db.pragma('wal_checkpoint(PASSIVE)', { simple: true }), 0, 'a checkpoint can complete')
})
