// Files and values that never end (issue 23 items 7 and 10), as a user meets them: the real CLI and startMockServer.
// A DATABASE_PATH under /proc, a SEED_FILE or JWT_PRIVATE_KEY_FILE that is /dev/zero or /dev/urandom, a token that
// would outlive Date: each ends at once in one line naming the setting, never a spin, gigabytes of memory or a stack.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { startMockServer } from '../src/index.js'
import { packageRoot } from '../src/paths.js'
import { patience } from './patience.js'
import { runToEnd, type Ran } from './process/run-to-end.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

t.jobs = 4

// Each case ends in well under a second; a spin or a read of /dev/zero would run into this and fail by name.
const cli = (t: { teardown: (fn: () => unknown) => void }, args: string[], env: Record<string, string>): Promise<Ran> =>
  runToEnd(process.execPath, [CLI, ...args], { env: { JWT_SECRET: 'a-test-secret-that-is-32-bytes-or-longer', PORT: '0', ...env }, t, timeoutMs: patience(1_500), what: `basic-admin-mock ${args.join(' ')}` })

const FIX = 'set DATABASE_PATH to a file in a folder this user can write, or to :memory:'

t.test('a DATABASE_PATH under /proc ends in one clear line for serve and migrate, instead of spinning', async t => {
  for (const command of ['serve', 'migrate']) {
    t.strictSame(await cli(t, [command], { DATABASE_PATH: '/proc/none/db' }), {
      code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: DATABASE_PATH /proc/none/db: cannot create its folder /proc/none (ENOENT): ${FIX}\n`
    }, command)
  }
  t.strictSame(await cli(t, ['migrate'], { DATABASE_PATH: '/proc/none/deeper/db' }), {
    code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: DATABASE_PATH /proc/none/deeper/db: cannot create its folder /proc/none/deeper (ENOENT): ${FIX}\n`
  }, 'a deeper folder: the first that cannot be made ends it')
  const dir = t.testdir()
  t.strictSame(await cli(t, ['migrate'], { DATABASE_PATH: '/dev/zero' }), {
    code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: DATABASE_PATH /dev/zero is not a file (a device, pipe or socket): ${FIX}\n`
  }, 'a device is no database file (SQLite would write its journal beside it)')
  t.strictSame(await cli(t, ['migrate'], { DATABASE_PATH: dir }), {
    code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: DATABASE_PATH ${dir} is not a file (a folder): ${FIX}\n`
  })
  const made = await cli(t, ['migrate'], { DATABASE_PATH: join(dir, 'a', 'b', 'c', 'basic-admin.db') })
  t.equal(made.code, 0, 'folders that can be made are still made, each level')
  t.ok(existsSync(join(dir, 'a', 'b', 'c', 'basic-admin.db')))
})

t.test('SEED_FILE, seed FILE and JWT_PRIVATE_KEY_FILE as /dev/zero or /dev/urandom: one line naming the setting', async t => {
  const dir = t.testdir()
  const database = join(dir, 'bounded.db')
  for (const device of ['/dev/zero', '/dev/urandom']) {
    const seed = `SEED_FILE ${device} is larger than 16 MiB (a fixture is JSON text; a device such as /dev/zero never ends): set SEED_FILE to a fixture file, or unset it for the demo data`
    t.strictSame(await cli(t, ['serve'], { DATABASE_PATH: database, SEED_FILE: device }), { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${seed}\n` }, `serve, SEED_FILE=${device}`)
    t.strictSame(await cli(t, ['reset'], { DATABASE_PATH: database, SEED_FILE: device }), { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${seed}\n` }, `reset, SEED_FILE=${device}`)
    t.strictSame(await cli(t, ['seed', device], { DATABASE_PATH: database }), {
      code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: fixture ${device}: is larger than 16 MiB (a fixture is JSON text; a device such as /dev/zero never ends)\n`
    }, `seed ${device}`)
    const key = `JWT_PRIVATE_KEY_FILE ${device} is larger than 64 KiB, so it is no PEM private key (a device such as /dev/zero never ends): set it to the PEM file of an RSA key`
    const serve = await cli(t, ['serve'], { DATABASE_PATH: database, JWT_PRIVATE_KEY_FILE: device })
    t.strictSame({ code: serve.code, stderr: serve.stderr }, { code: 1, stderr: `basic-admin-mock: ${key}\n` }, `serve, JWT_PRIVATE_KEY_FILE=${device}`)
    t.notMatch(serve.stdout, /listening on/)
    t.strictSame(await cli(t, ['token', '--user', 'user_demo', '--alg', 'RS256'], { DATABASE_PATH: database, JWT_PRIVATE_KEY_FILE: device }), { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${key}\n` }, `token, JWT_PRIVATE_KEY_FILE=${device}`)
  }
})

t.test('token --expires-in past 100 years is one line naming the flag, not a RangeError stack', async t => {
  const dir = t.testdir()
  for (const expiresIn of ['99999999d', '36501d']) {
    t.strictSame(await cli(t, ['token', '--user', 'user_demo', '--expires-in', expiresIn], { DATABASE_PATH: join(dir, 'none.db') }), {
      code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: --expires-in must be at most 36500d (100 years) (got ${JSON.stringify(expiresIn)})\n`
    }, expiresIn)
  }
})

t.test('startMockServer({ fixture: "/dev/zero" }) rejects with one clear error, at once', async t => {
  for (const device of ['/dev/zero', '/dev/urandom']) {
    await t.rejects(startMockServer({ fixture: device }), { message: `fixture ${device}: is larger than 16 MiB (a fixture is JSON text; a device such as /dev/zero never ends)` }, device)
  }
})
