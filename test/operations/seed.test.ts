import t, { type Test } from 'tap'
import { join } from 'node:path'
import { openDatabase } from '../../src/db/database.js'
import { migrate, readMigrations } from '../../src/db/migrate.js'
import { migrationsDir } from '../../src/paths.js'
import { hashApiKey } from '../../src/services/api-key.js'
import { FixtureError, isEmpty, loadFixture, parseFixture, readFixtureFile } from '../../src/services/fixtures.js'
import { FIXTURE } from '../helper.js'

const clock = { now: () => 1_000 }

function fresh (t: Test) {
  const db = openDatabase(join(t.testdir(), 'x.db'))
  t.teardown(() => db.close())
  migrate(db, readMigrations(migrationsDir))
  return db
}

const dump = (db: ReturnType<typeof openDatabase>) => ['users', 'projects', 'project_members', 'api_keys']
  .map(table => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all())

t.test('loads users, projects, members and hashed keys, then loading again changes nothing', async t => {
  const db = fresh(t)
  t.ok(isEmpty(db))
  t.strictSame(loadFixture(db, FIXTURE, clock), { created: 4 + 2 + 4 + 4 })
  t.notOk(isEmpty(db))
  t.match(db.prepare('SELECT * FROM api_keys WHERE id = ?').get('key_read'), {
    project_id: 'proj_one', label: 'Read key', roles: 'read,app:db:read', key_hash: hashApiKey('basic_key_test_read_00000000000000000000000'), created_at: 1000, updated_at: 1000, last_used: null
  })
  const before = dump(db)
  t.strictSame(loadFixture(db, FIXTURE, { now: () => 2_000 }), { created: 0 })
  t.strictSame(dump(db), before)
})

t.test('keeps rows that changed since they were seeded', async t => {
  const db = fresh(t)
  loadFixture(db, FIXTURE, clock)
  db.prepare("UPDATE api_keys SET label = 'Renamed' WHERE id = 'key_read'").run()
  loadFixture(db, FIXTURE, clock)
  t.equal(db.prepare("SELECT label FROM api_keys WHERE id = 'key_read'").pluck().get(), 'Renamed')
})

t.test('a bad fixture names its problem and loads nothing', async t => {
  const base = { users: [{ id: 'u1', email: 'u1@x' }], projects: [{ id: 'p1', name: 'P', members: [{ user: 'u1', role: 'owner' }], keys: [{ id: 'k1', label: 'K', roles: 'admin', value: 'basic_key_12345678901234567890' }] }] }
  const variants: Array<[string, (f: any) => void, string]> = [
    ['short value', f => { f.projects[0].keys[0].value = 'basic_key_short' }, 'projects[0].keys[0].value: must start with basic_key_ and have at least 20 characters after it'],
    ['a value that cannot be a bearer token', f => { f.projects[0].keys[0].value = 'basic_key_with some spaces in it!!' }, 'projects[0].keys[0].value: must start with basic_key_ and have at least 20 characters after it, each of A-Z a-z 0-9 - . _ ~ + / (a bearer token)'],
    ['wrong prefix', f => { f.projects[0].keys[0].value = 'sk_live_123456789012345678901234' }, 'projects[0].keys[0].value: must start with basic_key_'],
    ['bad id', f => { f.users[0].id = 'u 1' }, 'users[0].id: must be 1 to 128 characters of A-Z a-z 0-9 _ -'],
    ['bad role', f => { f.projects[0].members[0].role = 'god' }, 'projects[0].members[0].role: must be one of owner, admin, member'],
    ['unknown property', f => { f.projects[0].colour = 'red' }, 'projects[0].colour: unexpected property'],
    ['missing name', f => { delete f.projects[0].name }, 'projects[0].name: expected required property'],
    ['unknown member', f => { f.projects[0].members[0].user = 'u2' }, 'projects[0].members[0].user: unknown user "u2"'],
    ['bad key roles', f => { f.projects[0].keys[0].roles = 'a,,b' }, 'projects[0].keys[0].roles: roles must not contain empty items'],
    ['empty label', f => { f.projects[0].keys[0].label = '  ' }, 'projects[0].keys[0].label: label must not be empty'],
    ['duplicate key', f => { f.projects[0].keys.push({ ...f.projects[0].keys[0], value: 'basic_key_other_0000000000000000' }) }, 'projects[0].keys[1].id: duplicate id "k1"'],
    ['shared secret', f => { f.projects[0].keys.push({ ...f.projects[0].keys[0], id: 'k2' }) }, 'projects[0].keys[1].value: already the secret of key "k1"']
  ]
  for (const [name, change, message] of variants) {
    const db = fresh(t)
    const fixture = structuredClone(base)
    change(fixture)
    t.throws(() => loadFixture(db, parseFixture(JSON.stringify(fixture)), clock), new FixtureError(message), name)
    t.ok(isEmpty(db), `${name}: nothing loaded`)
  }
  t.throws(() => parseFixture('{"users": ['), /^not valid JSON: /)
})

t.test('a key id already used in another project is refused', async t => {
  const db = fresh(t)
  loadFixture(db, FIXTURE, clock)
  const moved = { projects: [{ id: 'proj_three', name: 'Three', keys: [{ id: 'key_read', label: 'x', roles: 'r', value: 'basic_key_moved_00000000000000000000' }] }] }
  t.throws(() => loadFixture(db, moved, clock), new FixtureError('projects[0].keys[0].id: key "key_read" already belongs to project "proj_one"'))
  t.equal(db.prepare("SELECT count(*) FROM projects WHERE id = 'proj_three'").pluck().get(), 0)
})

t.test('readFixtureFile names the file', async t => {
  const dir = t.testdir({ 'bad.json': '{"users": 1}' })
  t.throws(() => readFixtureFile(join(dir, 'bad.json')), new FixtureError(`fixture ${join(dir, 'bad.json')}: users: expected array`))
  t.throws(() => readFixtureFile(join(dir, 'none.json')), new FixtureError(`fixture ${join(dir, 'none.json')}: cannot be read (ENOENT)`))
})
