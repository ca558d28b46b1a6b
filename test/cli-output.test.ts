// What the CLI prints of what a user typed or configured (issue 23 item 6), as a real process: an option, a
// DATABASE_PATH or a SEED_FILE holding a newline or an ESC stays one line with the characters escaped, in its errors,
// its notes and the banner, so a CI log shows no forged annotation and a terminal runs no sequence.
import t from 'tap'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../src/paths.js'
import { FIXTURE } from './helper.js'
import { startServer, runCli } from './process/harness.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

t.jobs = 4

const cli = runCli

// A GitHub Actions annotation on a line of its own, a screen clear, a C1 CSI, a bidirectional override.
const HOSTILE = '\n::error::forged\u001b[2J\u009b0m\u202e'
const SHOWN = '\\n::error::forged\\x1b[2J\\x9b0m\\u202e'
// eslint-disable-next-line no-control-regex -- control characters are what is checked
const NO_CONTROL = /^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*\n$/

t.test('an unknown option with a newline or ESC in its name is one escaped line', async t => {
  const ran = await cli(t, [`--port${HOSTILE}`, '1'])
  t.strictSame(ran, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: unknown option --port${SHOWN}: basic-admin-mock --help lists every option\n` })
  t.match(ran.stderr, NO_CONTROL)
  const command = await cli(t, [`serve${HOSTILE}`])
  t.equal(command.stderr, 'basic-admin-mock: unknown command "serve\\n::error::forged\\u001b[2J\\x9b0m\\u202e": basic-admin-mock --help lists the commands\n', 'an unknown command too')
})

t.test('a DATABASE_PATH or SEED_FILE holding a newline or ESC is named in one escaped line when it fails', async t => {
  const dir = t.testdir({ 'a-file': 'not a folder' })
  const database = join(dir, 'a-file', `sub${HOSTILE}`, 'db.sqlite')
  const migrate = await cli(t, ['migrate'], { DATABASE_PATH: database })
  t.equal(migrate.code, 1)
  t.match(migrate.stderr, NO_CONTROL)
  t.match(migrate.stderr, `basic-admin-mock: DATABASE_PATH ${join(dir, 'a-file', `sub${SHOWN}`, 'db.sqlite')}: cannot create its folder`)

  const seed = join(dir, `missing${HOSTILE}.json`)
  const serve = await cli(t, ['serve'], { DATABASE_PATH: join(dir, 'ok.db'), SEED_FILE: seed, PORT: '0' })
  t.strictSame(serve, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: SEED_FILE ${join(dir, `missing${SHOWN}.json`)} cannot be read (ENOENT): set SEED_FILE to a fixture file this user can read, or unset it for the demo data\n` })
  const load = await cli(t, ['seed', seed], { DATABASE_PATH: join(dir, 'ok.db') })
  t.equal(load.code, 1)
  t.match(load.stderr, NO_CONTROL)
})

t.test('the notes of a command that succeeds escape the file names they repeat', async t => {
  const fixture = `fixture${HOSTILE}.json`
  const dir = t.testdir({ [fixture]: JSON.stringify(FIXTURE) })
  const ran = await cli(t, ['seed', join(dir, fixture)], { DATABASE_PATH: join(dir, 'seeded.db') })
  t.strictSame(ran, { code: 0, signal: null, stdout: '', stderr: `loaded ${join(dir, `fixture${SHOWN}.json`)}: 14 new row(s)\n` })
})

t.test('the banner is one escaped line that says whether the control plane and CORS are on', async t => {
  const dir = t.testdir()
  const path = join(dir, `data${HOSTILE}.db`)
  const off = await startServer(t, { DATABASE_PATH: path, JWT_SECRET: 'a-test-secret-that-is-32-bytes-or-longer' })
  const first = off.lines.find(line => line.startsWith('basic-admin-mock listening on '))
  t.equal(first, `basic-admin-mock listening on ${off.url} (database ${join(dir, `data${SHOWN}.db`)}; control plane: off, ADMIN_TOKEN turns it on; CORS: off, CORS_ORIGIN turns it on)`)
  t.notOk(off.lines.some(line => line.startsWith('::error::')), 'no forged annotation line')
  off.child.kill('SIGTERM')
  await off.waitForExit()

  writeFileSync(join(dir, 'fixture.json'), JSON.stringify(FIXTURE))
  const on = await startServer(t, { DATABASE_PATH: join(dir, 'on.db'), SEED_FILE: join(dir, 'fixture.json'), JWT_SECRET: 'a-test-secret-that-is-32-bytes-or-longer', ADMIN_TOKEN: 'an-admin-token-0123456789', CORS_ORIGIN: 'http://localhost:5173' })
  t.equal(on.lines.find(line => line.startsWith('basic-admin-mock listening on ')), `basic-admin-mock listening on ${on.url} (database ${join(dir, 'on.db')}; control plane: on at /__admin; CORS: on for http://localhost:5173)`)
})
