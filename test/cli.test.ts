// The built `basic-admin-mock` bin, run as a user runs it: a real process, its own env, its exit code.
import t from 'tap'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DEVELOPMENT_JWT_SECRET } from '../src/settings/config.js'
import { readMigrations } from '../src/db/migrate.js'
import { migrationsDir, packageRoot } from '../src/paths.js'
import { build, bearer, FIXTURE, patchKey, SECRETS, TEST_SECRET, query } from './helper.js'
import { patience } from './patience.js'
import { runCli } from './process/harness.js'
import { runToEnd } from './process/run-to-end.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

// Each test spawns its own processes on its own files: they can run side by side, and mostly wait.
t.jobs = 4

const cli = runCli

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()

const MIGRATIONS = readMigrations(migrationsDir)

function decodeJwt (token: string): { header: Record<string, unknown>, payload: Record<string, unknown> } {
  const [header, payload] = token.split('.').slice(0, 2).map(part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>)
  return { header: header!, payload: payload! }
}

/** Every row of the seeded tables, read-only, in a stable order. */
function snapshot (path: string): Record<'users' | 'projects' | 'project_members' | 'api_keys' | 'schema_migrations', unknown[]> {
  return {
    users: query(path, 'SELECT * FROM users ORDER BY id'),
    projects: query(path, 'SELECT * FROM projects ORDER BY id'),
    project_members: query(path, 'SELECT * FROM project_members ORDER BY project_id, user_id'),
    api_keys: query(path, 'SELECT * FROM api_keys ORDER BY id'),
    schema_migrations: query(path, 'SELECT version, name FROM schema_migrations ORDER BY version')
  }
}

// npx basic-admin-mock in a clone runs the bin itself: a build that left it without its execute bit (npm sets it only
// at install) made every CLI recipe fail with "Permission denied" after npm test, npm run bench or npm run build.
t.test('the built bin runs as a program, as npx runs it in a clone after any build', async t => {
  const bin = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['basic-admin-mock']!
  t.equal(join(packageRoot, bin), CLI)
  const version = await runToEnd(CLI, ['--version'], { env: {}, timeoutMs: patience(3_000), what: `${CLI} --version`, t })
  t.strictSame({ code: version.code, stderr: version.stderr }, { code: 0, stderr: '' })
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/)
})

t.test('token --user prints exactly one line, a JWT the server accepts', async t => {
  const { app, config, row } = await build(t)
  const result = await cli(t, ['token', '--user', 'user_owner'], { JWT_SECRET: TEST_SECRET, DATABASE_PATH: config.DATABASE_PATH })
  t.equal(result.code, 0)
  t.equal(result.stderr, '', 'no warning when JWT_SECRET is set')
  t.match(result.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/, 'one line, nothing else')
  const token = result.stdout.trim()
  const { header, payload } = decodeJwt(token)
  t.same(header, { alg: 'HS256', typ: 'JWT' })
  t.equal(payload.sub, 'user_owner')
  t.equal(Number(payload.exp) - Number(payload.iat), 3600, 'expires in 1h by default')
  t.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 60, 'issued now')

  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Renamed by a CLI token' }, bearer(token))
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().key.label, 'Renamed by a CLI token')
  t.equal(row('key_read')?.label, 'Renamed by a CLI token')
})

t.test('token --alg RS256 signs with the key kept in the database, and the running server accepts it', async t => {
  const { app, config, row } = await build(t)
  const result = await cli(t, ['token', '--user', 'user_admin', '--alg', 'RS256', '--expires-in', '5m'], { JWT_SECRET: TEST_SECRET, DATABASE_PATH: config.DATABASE_PATH })
  t.equal(result.code, 0, result.stderr)
  t.equal(result.stderr, '')
  t.match(result.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/)
  const token = result.stdout.trim()
  const { header, payload } = decodeJwt(token)
  // The CLI made the key (the server makes none until needed); the server reads the same one.
  t.same(header, { alg: 'RS256', typ: 'JWT', kid: app.signingKey.current().kid })
  t.equal(Number(payload.exp) - Number(payload.iat), 300)
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Renamed by an RS256 token' }, bearer(token))
  t.equal(res.statusCode, 200, res.body)
  t.equal(row('key_read')?.label, 'Renamed by an RS256 token')
})

t.test('token --alg RS256 with JWT_PRIVATE_KEY_FILE signs with that key; a bad file is one line and exit 1', async t => {
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
  // build() owns the test's directory; the key files go beside its database.
  const dir = join(tmpdir(), `basic-admin-mock-keys-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'signing.pem'), pem)
  writeFileSync(join(dir, 'junk.pem'), 'junk')
  const { app, config } = await build(t, { config: { JWT_PRIVATE_KEY_FILE: join(dir, 'signing.pem') } })
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'never.db') }
  const [good, bad] = await Promise.all([
    cli(t, ['token', '--user', 'user_owner', '--alg', 'RS256', '--jwt-private-key-file', config.JWT_PRIVATE_KEY_FILE!], env),
    cli(t, ['token', '--user', 'user_owner', '--alg', 'RS256'], { ...env, JWT_PRIVATE_KEY_FILE: join(dir, 'junk.pem') })
  ])
  t.equal(good.code, 0, good.stderr)
  t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(good.stdout.trim()))).statusCode, 200)
  t.notOk(existsSync(env.DATABASE_PATH), 'no database is needed with a key file')
  t.same(bad, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: JWT_PRIVATE_KEY_FILE ${join(dir, 'junk.pem')} is not a PEM private key\n` })
})

t.test('token warns on stderr, never on stdout, when it signs with the development secret', async t => {
  const { app, config } = await build(t, { config: { JWT_SECRET: DEVELOPMENT_JWT_SECRET } })
  const result = await cli(t, ['token', '--user', 'user_owner'], { DATABASE_PATH: config.DATABASE_PATH })
  t.equal(result.code, 0)
  t.match(result.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/)
  t.match(result.stderr, /^!!! WARNING: JWT_SECRET is not set/)
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Signed with the development secret' }, bearer(result.stdout.trim()))
  t.equal(res.statusCode, 200, 'a server left on the default secret accepts it')
})

t.test('token --expires-in 90s gives a token that lives 90 seconds', async t => {
  const result = await cli(t, ['token', '--user', 'user_alice', '--expires-in', '90s'], { JWT_SECRET: TEST_SECRET, DATABASE_PATH: ':memory:' })
  t.equal(result.code, 0, result.stderr)
  t.equal(result.stderr, '')
  const { payload } = decodeJwt(result.stdout.trim())
  t.equal(Number(payload.exp) - Number(payload.iat), 90)
  t.equal(payload.sub, 'user_alice')
  t.notOk('iss' in payload || 'aud' in payload, 'no iss/aud unless configured')
})

t.test('token refuses a bad --expires-in, an unsupported --alg and a missing --user with one line and exit 1', async t => {
  const env = { JWT_SECRET: TEST_SECRET }
  const cases: Array<[string[], string]> = [
    [['token', '--user', 'u', '--expires-in', 'soon'], '--expires-in must look like 90s, 15m, 1h or 7d (got "soon")'],
    [['token', '--user', 'u', '--alg', 'ES256'], '--alg must be HS256 or RS256 (got "ES256")'],
    [['token', '--expires-in', '90s'], '--user is required']
  ]
  const results = await Promise.all(cases.map(([args]) => cli(t, args, env)))
  results.forEach((result, i) => {
    const [args, message] = cases[i]!
    t.same(result, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${message}\n` }, args.join(' '))
  })
})

t.test('token carries JWT_ISSUER and JWT_AUDIENCE, and a server configured with them accepts it', async t => {
  const claims = { JWT_ISSUER: 'https://issuer.example.test', JWT_AUDIENCE: 'basic-admin-mock-tests' }
  const { app, row } = await build(t, { config: claims })
  // The same CLI without the claims mints a token this server must refuse.
  const [result, plain] = await Promise.all([
    cli(t, ['token', '--user', 'user_admin'], { JWT_SECRET: TEST_SECRET, ...claims }),
    cli(t, ['token', '--user', 'user_admin'], { JWT_SECRET: TEST_SECRET })
  ])
  t.equal(result.code, 0, result.stderr)
  const token = result.stdout.trim()
  const { payload } = decodeJwt(token)
  t.equal(payload.iss, claims.JWT_ISSUER)
  t.equal(payload.aud, claims.JWT_AUDIENCE)

  const res = await patchKey(app, 'proj_one', 'key_read', { roles: 'read , write' }, bearer(token))
  t.equal(res.statusCode, 200, res.body)
  t.equal(row('key_read')?.roles, 'read,write')

  const refused = await patchKey(app, 'proj_one', 'key_read', { roles: 'admin' }, bearer(plain.stdout.trim()))
  t.equal(refused.statusCode, 401)
  t.equal(refused.headers['www-authenticate'], 'Bearer realm="basic-admin", error="invalid_token"')
  t.equal(row('key_read')?.roles, 'read,write', 'the refused request changed nothing')
})

t.test('seed FILE loads a fixture into a fresh database, and a second run is a no-op', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const file = join(dir, 'fixture.json')
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'data', 'seeded.db') }

  const first = await cli(t, ['seed', file], env)
  t.same(first, { code: 0, signal: null, stdout: '', stderr: `loaded ${file}: 14 new row(s)\n` })
  const rows = snapshot(env.DATABASE_PATH)
  t.same(rows.users.map(u => (u as { id: string }).id), ['user_admin', 'user_member', 'user_outsider', 'user_owner'])
  t.match(rows.users, [{ id: 'user_admin', email: 'admin@example.com', name: 'Admin', created_at: Number }])
  t.same(rows.projects.map(p => [(p as { id: string }).id, (p as { name: string }).name]), [['proj_one', 'One'], ['proj_two', 'Two']])
  t.same(rows.project_members, [
    { project_id: 'proj_one', user_id: 'user_admin', role: 'admin' },
    { project_id: 'proj_one', user_id: 'user_member', role: 'member' },
    { project_id: 'proj_one', user_id: 'user_owner', role: 'owner' },
    { project_id: 'proj_two', user_id: 'user_outsider', role: 'owner' }
  ])
  const keys = rows.api_keys as Array<{ id: string, project_id: string, label: string, roles: string, key_hash: Buffer, created_at: number, updated_at: number, last_used: number | null }>
  t.same(keys.map(k => [k.id, k.project_id, k.label, k.roles]), [
    ['key_admin', 'proj_one', 'Admin key', 'admin'],
    ['key_read', 'proj_one', 'Read key', 'read,app:db:read'],
    ['key_two_admin', 'proj_two', 'Two admin', 'admin'],
    ['key_two_read', 'proj_two', 'Two read', 'read']
  ])
  for (const key of keys) {
    t.same(key.key_hash, sha256(SECRETS[key.id as keyof typeof SECRETS]), `${key.id}: only the sha256 of the fixture value is stored`)
    t.equal(key.updated_at, key.created_at)
    t.equal(key.last_used, null)
  }
  t.same(rows.schema_migrations, MIGRATIONS.map(m => ({ version: m.version, name: m.name })), 'seed migrates a fresh database first')

  const second = await cli(t, ['seed', file], env)
  t.same(second, { code: 0, signal: null, stdout: '', stderr: `loaded ${file}: 0 new row(s)\n` })
  t.same(snapshot(env.DATABASE_PATH), rows, 'same rows, byte for byte')
})

t.test('seed refuses a bad fixture with one line naming the problem and its place, and loads nothing of it', async t => {
  // Each bad fixture has its own ids, so a half-loaded one would show up by name in the diff.
  const project = (tag: string, extra: object): object => ({
    users: [{ id: `user_${tag}`, email: `${tag}@example.com` }],
    projects: [{ id: `proj_${tag}`, name: tag, members: [{ user: `user_${tag}`, role: 'owner' }], ...extra }]
  })
  const key = (tag: string, extra: object): object => ({ id: `key_${tag}`, label: tag, roles: 'admin', value: `basic_key_${tag}_0000000000000000000000`, ...extra })
  const cases: Record<string, [content: string | undefined, problem: string]> = {
    'bad-value.json': [JSON.stringify(project('a', { keys: [key('a', { value: 'sk_live_0000000000000000000000000000' })] })),
      'projects[0].keys[0].value: must start with basic_key_ and have at least 20 characters after it, each of A-Z a-z 0-9 - . _ ~ + / (a bearer token)'],
    'invalid.json': ['{"users": [', 'not valid JSON: Unexpected end of JSON input'],
    'missing.json': [undefined, 'cannot be read (ENOENT)'],
    // These pass the schema and fail half-way through the load, after rows were inserted.
    'unknown-member.json': [JSON.stringify(project('b', { members: [{ user: 'user_b', role: 'owner' }, { user: 'user_ghost', role: 'admin' }] })),
      'projects[0].members[1].user: unknown user "user_ghost"'],
    'empty-label.json': [JSON.stringify(project('c', { keys: [key('c', { label: '   ' })] })),
      'projects[0].keys[0].label: label must not be empty or only whitespace'],
    'reused-secret.json': [JSON.stringify(project('d', { keys: [key('d', {}), key('e', { value: SECRETS.key_admin })] })),
      'projects[0].keys[1].value: already the secret of key "key_admin"']
  }
  const files = Object.fromEntries(Object.entries(cases).filter(([, [content]]) => content !== undefined).map(([name, [content]]) => [name, content]))
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE), ...files })
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'seeded.db') }
  t.equal((await cli(t, ['seed', join(dir, 'fixture.json')], env)).code, 0)
  const before = snapshot(env.DATABASE_PATH)

  const names = Object.keys(cases)
  const [noFile, ...results] = await Promise.all([cli(t, ['seed'], env), ...names.map(name => cli(t, ['seed', join(dir, name)], env))])
  t.same(noFile, { code: 1, signal: null, stdout: '', stderr: 'basic-admin-mock: seed needs a fixture file: basic-admin-mock seed FILE\n' })
  results.forEach((result, i) => {
    const name = names[i]!
    t.same(result, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: fixture ${join(dir, name)}: ${cases[name]![1]}\n` }, name)
  })
  t.same(snapshot(env.DATABASE_PATH), before, 'the database is unchanged')
})

t.test('key create prints only the new secret, stores its hash, and the secret works as a bearer', async t => {
  const { app, config, row } = await build(t)
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: config.DATABASE_PATH }

  const created = await cli(t, ['key', 'create', '--project', 'proj_one', '--label', '  Deploy bot ', '--roles', ' read , write,read'], env)
  t.equal(created.code, 0, created.stderr)
  t.match(created.stdout, /^basic_key_[A-Za-z0-9_-]{43}\n$/, 'exactly one line: the secret')
  const secret = created.stdout.trim()
  const [stored] = query<{ id: string, project_id: string, label: string, roles: string, key_hash: Buffer, created_at: number, updated_at: number, last_used: number | null }>(
    config.DATABASE_PATH, 'SELECT * FROM api_keys WHERE key_hash = ?', sha256(secret))
  t.ok(stored, 'a row whose key_hash is sha256(secret)')
  t.match(stored, { project_id: 'proj_one', label: 'Deploy bot', roles: 'read,write', last_used: null })
  t.equal(stored!.updated_at, stored!.created_at)
  t.ok(Math.abs(stored!.created_at - Date.now()) < 60_000, 'created_at is now, in epoch ms')
  t.equal(created.stderr, `created key ${stored!.id} in project proj_one (label "Deploy bot", roles "read,write")\n`)

  // An admin key made by the CLI while the app has the same file open manages the project at once.
  const admin = await cli(t, ['key', 'create', '--project', 'proj_one', '--label', 'CLI admin', '--roles', 'admin'], env)
  t.equal(admin.code, 0, admin.stderr)
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Renamed by a CLI key' }, bearer(admin.stdout.trim()))
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().key.label, 'Renamed by a CLI key')
  t.equal(row('key_read')?.label, 'Renamed by a CLI key')
  t.equal(app.world.db.prepare('SELECT count(*) FROM api_keys').pluck().get(), 6)
})

t.test('key create refuses an unknown project and bad input with one line, creating no row', async t => {
  const { config } = await build(t)
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: config.DATABASE_PATH }
  const count = (): unknown => query<{ n: number }>(config.DATABASE_PATH, 'SELECT count(*) AS n FROM api_keys')[0]?.n
  const cases: Array<[string[], string]> = [
    [['create', '--project', 'proj_nope', '--label', 'L', '--roles', 'admin'], `unknown project "proj_nope" in ${config.DATABASE_PATH}: its projects are proj_one, proj_two`],
    [['create', '--project', 'proj_one', '--label', 'L', '--roles', 'read,,write'], 'roles must not contain empty items (check for stray commas)'],
    [['create', '--project', 'proj_one', '--roles', 'admin'], '--label is required'],
    [['list'], 'usage: basic-admin-mock key create --project ID --label L --roles R']
  ]
  const results = await Promise.all(cases.map(([args]) => cli(t, ['key', ...args], env)))
  results.forEach((result, i) => {
    const [args, message] = cases[i]!
    t.same(result, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${message}\n` }, args.join(' '))
  })
  t.equal(count(), 4, 'still only the fixture keys')

  const empty = { ...env, DATABASE_PATH: join(dirname(config.DATABASE_PATH), 'empty.db') }
  t.same(await cli(t, ['key', ...cases[0]![0]], empty), { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: unknown project "proj_nope" in ${empty.DATABASE_PATH}: it has no projects yet (load a fixture with: basic-admin-mock seed FILE)\n` })
})

t.test('token warns on stderr when the user is not in the database, and the token still works as a token', async t => {
  const { config } = await build(t)
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: config.DATABASE_PATH }
  const elsewhere = join(dirname(config.DATABASE_PATH), 'elsewhere')
  const [unknown, known, noFile, memory] = await Promise.all([
    cli(t, ['token', '--user', 'user_alice'], env),
    cli(t, ['token', '--user', 'user_owner'], env),
    cli(t, ['token', '--user', 'user_alice'], { ...env, DATABASE_PATH: join(elsewhere, 'missing.db') }),
    cli(t, ['token', '--user', 'user_alice'], { ...env, DATABASE_PATH: ':memory:' })
  ])
  t.equal(unknown.code, 0)
  t.match(unknown.stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/, 'the token alone on stdout')
  t.equal(unknown.stderr, `basic-admin-mock: warning: user "user_alice" is not in the database ${config.DATABASE_PATH}, so the server answers this token with 404 {"error":"API key not found"} on every key operation\n`)
  t.same({ code: known.code, stderr: known.stderr }, { code: 0, stderr: '' }, 'a known user: no warning')
  t.equal(noFile.stderr, `basic-admin-mock: warning: the database ${join(elsewhere, 'missing.db')} (DATABASE_PATH) does not exist, so user "user_alice" could not be checked: use the DATABASE_PATH of the server this token is for\n`)
  t.notOk(existsSync(elsewhere), 'checking creates no database')
  t.same({ code: memory.code, stderr: memory.stderr }, { code: 0, stderr: '' }, 'a :memory: database cannot be looked into from here: no warning')
})

t.test('reset puts the database back to its seed, as POST /__admin/reset does, and a running server answers from it at once', async t => {
  const ADMIN = 'an-admin-token-for-reset-tests'
  // Not t.testdir(): build() makes that folder anew each time it is called.
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-mock-reset-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const seedFile = join(dir, 'fixture.json')
  writeFileSync(seedFile, JSON.stringify(FIXTURE))
  // Two databases changed the same way: one reset by the CLI, one by the control plane.
  const cliDb = await build(t, { config: { DATABASE_PATH: join(dir, 'cli.db'), SEED_FILE: seedFile } })
  const http = await build(t, { config: { DATABASE_PATH: join(dir, 'http.db'), ADMIN_TOKEN: ADMIN } })
  for (const { app } of [cliDb, http]) {
    const extra = await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: bearer(SECRETS.key_admin), payload: { label: 'extra', roles: 'read' } })
    t.equal(extra.statusCode, 200, 'an extra key')
    t.equal((await patchKey(app, 'proj_one', 'key_admin', { roles: 'read' }, bearer(SECRETS.key_admin))).statusCode, 200, 'the admin key loses admin')
    t.equal((await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))).statusCode, 401, 'and can no longer manage keys')
  }
  const reset = await cli(t, ['reset'], { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'cli.db'), SEED_FILE: seedFile })
  t.same(reset, { code: 0, signal: null, stdout: '', stderr: `reset ${join(dir, 'cli.db')} to the fixture ${seedFile}: 14 row(s)\n` })
  const answer = await http.app.inject({ method: 'POST', url: '/__admin/reset', headers: bearer(ADMIN) })
  t.same(answer.json(), { created: 14 })

  const rows = (path: string) => ({
    users: query(path, 'SELECT id, email, name FROM users ORDER BY id'),
    members: query(path, 'SELECT * FROM project_members ORDER BY 1, 2'),
    keys: query(path, 'SELECT id, project_id, label, roles, key_hash, last_used, is_private FROM api_keys ORDER BY id')
  })
  t.same(rows(join(dir, 'cli.db')), rows(join(dir, 'http.db')), 'the same rows as after POST /__admin/reset')
  t.equal(rows(join(dir, 'cli.db')).keys.length, 4, 'the extra key is gone')
  const res = await patchKey(cliDb.app, 'proj_one', 'key_read', { label: 'After the CLI reset' }, bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200, 'the server that had the file open sees the reset: the key is admin again')
  t.equal(cliDb.row('key_read')?.label, 'After the CLI reset')
})

t.test('reset without SEED_FILE brings the demo data back, and refuses a :memory: database with one line', async t => {
  const dir = t.testdir({ 'fixture.json': JSON.stringify(FIXTURE) })
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'data.db') }
  t.equal((await cli(t, ['seed', join(dir, 'fixture.json')], env)).code, 0)
  const [demo, memory] = await Promise.all([cli(t, ['reset'], env), cli(t, ['reset'], { ...env, DATABASE_PATH: ':memory:' })])
  t.same(demo, { code: 0, signal: null, stdout: '', stderr: `reset ${env.DATABASE_PATH} to the demo data: 6 row(s)\n` })
  t.same(query(env.DATABASE_PATH, 'SELECT id, project_id, roles FROM api_keys'), [{ id: 'key_demo', project_id: 'proj_demo', roles: 'admin' }, { id: 'key_demo_delete', project_id: 'proj_demo', roles: 'read' }, { id: 'key_demo_regenerate', project_id: 'proj_demo', roles: 'read' }], 'only the demo keys')
  t.same(memory, { code: 1, signal: null, stdout: '', stderr: 'basic-admin-mock: reset needs DATABASE_PATH to be a file: a :memory: database lives inside its server (reset that one with POST /__admin/reset, or mock.reset())\n' })
})
