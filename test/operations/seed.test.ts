// Fixtures into a world (README "Fixtures"): what a load adds and keeps, and the first problem of a bad one, named.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import { hashApiKey } from '../../src/domain/api-key.js'
import type { Clock } from '../../src/domain/clock.js'
import { FixtureError, parseFixture, readFixtureFile } from '../../src/domain/fixture.js'
import { loadFixture } from '../../src/operations/seed.js'
import { openWorld, type World } from '../../src/world.js'
import { FIXTURE } from '../helper.js'

const clock: Clock = { now: () => 1_000 }

function fresh (t: Test): World {
  const world = openWorld({ path: join(t.testdir(), 'x.db'), clock, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 })
  t.teardown(() => world.close())
  return world
}

const dump = (world: World) => ['users', 'projects', 'project_members', 'api_keys']
  .map(table => world.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all())

t.test('loads users, projects, members and hashed keys, then loading again changes nothing', async t => {
  const world = fresh(t)
  t.ok(world.members.isEmpty())
  t.strictSame(await loadFixture(world, FIXTURE), { created: 4 + 2 + 4 + 4 })
  t.notOk(world.members.isEmpty())
  t.match(world.db.prepare('SELECT * FROM api_keys WHERE id = ?').get('key_read'), {
    project_id: 'proj_one', label: 'Read key', roles: 'read,app:db:read', key_hash: hashApiKey('basic_key_test_read_00000000000000000000000'), created_at: 1000, updated_at: 1000, last_used: null
  })
  const before = dump(world)
  clock.now = () => 2_000
  t.strictSame(await loadFixture(world, FIXTURE), { created: 0 })
  clock.now = () => 1_000
  t.strictSame(dump(world), before)
})

t.test('keeps rows that changed since they were seeded', async t => {
  const world = fresh(t)
  await loadFixture(world, FIXTURE)
  world.db.prepare("UPDATE api_keys SET label = 'Renamed' WHERE id = 'key_read'").run()
  await loadFixture(world, FIXTURE)
  t.equal(world.db.prepare("SELECT label FROM api_keys WHERE id = 'key_read'").pluck().get(), 'Renamed')
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
    const world = fresh(t)
    const fixture = structuredClone(base)
    change(fixture)
    await t.rejects(async () => await loadFixture(world, parseFixture(JSON.stringify(fixture))), new FixtureError(message), name)
    t.ok(world.members.isEmpty(), `${name}: nothing loaded`)
  }
  t.throws(() => parseFixture('{"users": ['), /^not valid JSON: /)
})

t.test('a key id already used in another project is refused', async t => {
  const world = fresh(t)
  await loadFixture(world, FIXTURE)
  const moved = { projects: [{ id: 'proj_three', name: 'Three', keys: [{ id: 'key_read', label: 'x', roles: 'r', value: 'basic_key_moved_00000000000000000000' }] }] }
  await t.rejects(async () => await loadFixture(world, moved), new FixtureError('projects[0].keys[0].id: key "key_read" already belongs to project "proj_one"'))
  t.equal(world.db.prepare("SELECT count(*) FROM projects WHERE id = 'proj_three'").pluck().get(), 0)
})

t.test('readFixtureFile names the file', async t => {
  const dir = t.testdir({ 'bad.json': '{"users": 1}' })
  t.throws(() => readFixtureFile(join(dir, 'bad.json')), new FixtureError(`fixture ${join(dir, 'bad.json')}: users: expected array`))
  t.throws(() => readFixtureFile(join(dir, 'none.json')), new FixtureError(`fixture ${join(dir, 'none.json')}: cannot be read (ENOENT)`))
})
