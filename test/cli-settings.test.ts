// The CLI's settings and its own commands: migrate, flags over the environment, help and version (the commands that act on data: test/cli.test.ts).
import t from 'tap'
import Database from 'better-sqlite3'
import { createHmac } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SETTINGS } from '../src/settings/config.js'
import { readMigrations } from '../src/db/migrate.js'
import { migrationsDir, packageRoot } from '../src/paths.js'
import { TEST_SECRET, query } from './helper.js'
import { runCli } from './process/harness.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

// Each test spawns its own processes on its own files: they can run side by side, and mostly wait.
t.jobs = 4

const ONE_ERROR_LINE = /^basic-admin-mock: [^\n]+\n$/

const cli = runCli

const MIGRATIONS = readMigrations(migrationsDir)
const VERSIONS = MIGRATIONS.map(m => m.version).join(', ')

// npx basic-admin-mock in a clone runs the bin itself: a build that left it without its execute bit (npm sets it only

t.test('migrate creates the schema on a fresh database, then reports it up to date', async t => {
  const dir = t.testdir()
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'nested', 'fresh.db') }
  const first = await cli(t, ['migrate'], env)
  t.same(first, { code: 0, signal: null, stdout: '', stderr: `applied migrations ${VERSIONS}\n` })
  const tables = query<{ name: string }>(env.DATABASE_PATH, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map(r => r.name)
  t.same(tables, ['api_keys', 'project_members', 'projects', 'schema_migrations', 'signing_keys', 'users'])
  const applied = query<{ version: number, name: string, applied_at: number }>(env.DATABASE_PATH, 'SELECT * FROM schema_migrations ORDER BY version')
  t.match(applied, MIGRATIONS.map(m => ({ version: m.version, name: m.name })))
  t.ok(applied.every(m => Math.abs(m.applied_at - Date.now()) < 60_000), 'applied_at is now')
  t.same(query(env.DATABASE_PATH, 'PRAGMA journal_mode'), [{ journal_mode: 'wal' }])

  const second = await cli(t, ['migrate'], env)
  t.same(second, { code: 0, signal: null, stdout: '', stderr: 'database is up to date\n' })
  t.equal(query(env.DATABASE_PATH, 'SELECT * FROM schema_migrations').length, MIGRATIONS.length)
})

t.test('migrate and serve refuse a database newer than they know, with one line', async t => {
  const dir = t.testdir()
  const path = join(dir, 'future.db')
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: path, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }
  // What a newer basic-admin-mock would have left behind: version 1 and one this build has never heard of.
  const db = new Database(path)
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  db.exec("INSERT INTO schema_migrations VALUES (1, 'initial', 1), (999, 'from_the_future', 2)")
  db.close()
  const before = query(path, 'SELECT * FROM sqlite_master ORDER BY name').concat(query(path, 'SELECT * FROM schema_migrations'))

  const expected = `basic-admin-mock: DATABASE_PATH ${path}: the database is at schema version 999, newer than this server knows (${MIGRATIONS.length}): upgrade basic-admin-mock, or set DATABASE_PATH to another file\n`
  const [migrated, served] = await Promise.all([cli(t, ['migrate'], env), cli(t, ['serve'], env)])
  t.same(migrated, { code: 1, signal: null, stdout: '', stderr: expected }, 'migrate')
  t.same({ ...served, stdout: '' }, { code: 1, signal: null, stdout: '', stderr: expected }, 'serve')
  t.notMatch(served.stdout, /listening/, 'serve never listened')
  t.same(query(path, 'SELECT * FROM sqlite_master ORDER BY name').concat(query(path, 'SELECT * FROM schema_migrations')), before, 'the database is untouched')
})

t.test('a bad setting stops the CLI with exit 1 and exactly one line on stderr', async t => {
  const dir = t.testdir()
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(dir, 'never.db') }
  const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
    ['PORT=abc', ['migrate'], { PORT: 'abc' }, /^basic-admin-mock: invalid setting PORT: .*"abc"/],
    ['--port 70000', ['migrate', '--port', '70000'], {}, /^basic-admin-mock: invalid setting PORT: .*70000/],
    ['short JWT_SECRET', ['migrate'], { JWT_SECRET: 'x'.repeat(31) }, /^basic-admin-mock: invalid setting JWT_SECRET: must be at least 32 bytes long \(make one with: openssl rand -hex 32\)\n$/],
    ['LOG_LEVEL=loud', ['migrate'], { LOG_LEVEL: 'loud' }, /^basic-admin-mock: invalid setting LOG_LEVEL: .*"loud"/],
    ['unknown flag', ['migrate', '--nope'], {}, /^basic-admin-mock: unknown option --nope: basic-admin-mock --help lists every option\n$/]
  ]
  const results = await Promise.all(cases.map(([, args, extra]) => cli(t, args, { ...env, ...extra })))
  results.forEach((result, i) => {
    const [name, , , message] = cases[i]!
    t.equal(result.code, 1, `${name}: exit code`)
    t.equal(result.stdout, '', `${name}: nothing on stdout`)
    t.match(result.stderr, ONE_ERROR_LINE, `${name}: one line`)
    t.match(result.stderr, message, name)
  })
  t.notOk(existsSync(env.DATABASE_PATH), 'no database was created')
})

t.test('flags override the environment', async t => {
  const dir = t.testdir({ 'not-a-dir': 'a file' })
  const good = join(dir, 'good.db')
  const bad = join(dir, 'not-a-dir', 'bad.db')
  const env = { JWT_SECRET: TEST_SECRET, DATABASE_PATH: bad }

  // Without the flag the environment is what fails (PORT=abc and LOG_LEVEL=loud fail alone above).
  const envOnly = await cli(t, ['migrate'], env)
  t.equal(envOnly.code, 1)
  t.match(envOnly.stderr, ONE_ERROR_LINE)
  t.notOk(existsSync(good))

  const flagSecret = 'a-secret-given-as-a-flag-of-32-bytes+'
  const [flagged, signed] = await Promise.all([
    cli(t, ['migrate', '--database-path', good, '--port', '0', '--log-level', 'silent'], { ...env, PORT: 'abc', LOG_LEVEL: 'loud' }),
    cli(t, ['token', '--user', 'u', '--jwt-secret', flagSecret], { JWT_SECRET: 'short', DATABASE_PATH: ':memory:' })
  ])
  t.same(flagged, { code: 0, signal: null, stdout: '', stderr: `applied migrations ${VERSIONS}\n` })
  t.same(query(good, 'SELECT version FROM schema_migrations ORDER BY version'), MIGRATIONS.map(m => ({ version: m.version })))
  t.notOk(existsSync(bad))

  t.equal(signed.code, 0, signed.stderr)
  t.equal(signed.stderr, '')
  const [head, body, signature] = signed.stdout.trim().split('.')
  t.equal(signature, createHmac('sha256', flagSecret).update(`${head}.${body}`).digest('base64url'), 'signed with the --jwt-secret value')
})

t.test('serve refuses a stray argument (as `npm start --port 1` leaves) instead of ignoring it', async t => {
  const result = await cli(t, ['serve', '3010'], { JWT_SECRET: TEST_SECRET, DATABASE_PATH: join(t.testdir(), 'x.db'), PORT: '0' })
  t.same(result, {
    code: 1,
    signal: null,
    stdout: '',
    stderr: 'basic-admin-mock: unexpected argument "3010" (with npm start, pass flags after --: npm start -- --port 8080)\n'
  })
})

t.test('help and --help print the usage, every setting with its flag, default and meaning, on stdout and exit 0', async t => {
  const [word, long, short] = await Promise.all([cli(t, ['help']), cli(t, ['--help']), cli(t, ['serve', '-h'])])
  t.equal(word.code, 0)
  t.match(word.stdout, /^Usage: basic-admin-mock/)
  t.equal(long.code, 0)
  t.equal(long.stderr, '')
  t.match(long.stdout, /^Usage: basic-admin-mock \[command\] \[options\]\n/)
  t.equal(short.stdout, long.stdout, '-h is --help')
  for (const word of ['serve', 'migrate', 'seed FILE', 'reset', 'token --user ID', 'key create --project ID --label L --roles R', '--version']) {
    t.ok(long.stdout.includes(word), `mentions ${word}`)
  }
  const settings: Array<[string, string]> = [
    ['PORT, --port (default: 3003)', 'TCP port to listen on; 0 picks a free one (the banner shows it)'],
    ['DATABASE_PATH, --database-path (default: ./data/basic-admin.db)', 'SQLite file, created with its folder; :memory: for a throw-away database'],
    ['JWT_SECRET, --jwt-secret (default: a public development secret)', 'HS256 secret of user tokens, at least 32 bytes'],
    ['SEED_FILE, --seed-file (default: none: the demo data)', 'fixture file (JSON) loaded at every start instead of the demo data'],
    ['CORS_ORIGIN, --cors-origin (default: none: no CORS headers)', 'origins whose pages may call the server from a browser: * or a comma-separated list such as http://localhost:5173']
  ]
  for (const [line, meaning] of settings) t.ok(long.stdout.includes(`  ${line}\n      ${meaning}\n`), `${line}, then its meaning`)
  t.equal(long.stdout.match(/^ {2}[A-Z_]+, --[a-z-]+ \(default: [^)]+\)$/gm)?.length, SETTINGS.length, 'every setting has its line')
})

t.test('--version and -v print the package version and exit 0', async t => {
  const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
  const [long, short] = await Promise.all([cli(t, ['--version']), cli(t, ['-v'])])
  t.same(long, { code: 0, signal: null, stdout: `${version}\n`, stderr: '' })
  t.same(short, long)
})
