// Every bad start as a user meets it: the real CLI, exit code 1, and exactly one line on stderr naming the setting and the fix.
import t from 'tap'
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { placeFor, type User } from './process/as-user.js'
import { CLI, withTimeout } from './process/harness.js'
import { TEST_SECRET } from './helper.js'
import { patience } from './patience.js'
import { untracked } from './process/untracked.js'

t.jobs = 4

// Root ignores file permissions: the permission cases then run as nobody, as an unprivileged user would meet them.
const AS_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
// A failed start takes well under a second; npm run coverage makes it slower, and a busy machine slower again.
const EXIT_TIMEOUT_MS = patience(3_000)

interface Run { code: number | null, stdout: string, stderr: string }

/** Runs the CLI to its exit: as the unprivileged user when `cli` is given (the one within its reach), else as we are. */
function start (t: Tap, args: string[], env: Record<string, string>, cli?: string): Promise<Run> {
  const asUser = cli !== undefined
  // As another user, without tap's process tracking (NODE_OPTIONS), which would write into .tap/ as that user.
  const [command, argv] = asUser ? ['/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, cli, ...args]] : untracked(process.execPath, [CLI, ...args])
  const child = spawn(command, argv, {
    ...(asUser ? AS_USER : {}),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', JWT_SECRET: TEST_SECRET, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  return withTimeout(new Promise(resolve => child.on('close', code => resolve({ code, stdout, stderr }))), EXIT_TIMEOUT_MS, () => `basic-admin-mock ${args.join(' ')} to exit; stderr: ${stderr}`)
}
type Tap = { teardown: (fn: () => unknown) => void }

t.test('each bad start prints one line that names the setting and the fix, and exits 1', async t => {
  const home = t.testdir()
  chmodSync(home, 0o755)
  // The unprivileged user must reach the CLI and the case's files: in a clone in a private folder it cannot, and a
  // case would fail (or pass) for that reason. Then they are copied where it can, or the permission cases are
  // skipped, saying why (a Node it cannot run, no folder it can reach), and the others run.
  const place = AS_USER.uid === undefined ? { cli: undefined, dir: home, copied: false } : placeFor(t, AS_USER as User, home)
  if ('why' in place) t.comment(`the permission cases cannot run here: ${place.why}`)
  else if (place.copied) t.comment(`uid ${AS_USER.uid} cannot reach this checkout: the permission cases run a copy of the CLI, ${place.cli}`)
  const dir = 'why' in place ? home : place.dir
  writeFileSync(join(dir, 'not-a-database.db'), 'plain text')
  writeFileSync(join(dir, 'secret.json'), '{}')
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ projects: [{ id: 'p', name: 'P', keys: [{ id: 'k', label: 'K', roles: 'admin', value: 'sk_live_0000000000000000000000' }] }] }))
  mkdirSync(join(dir, 'read-only'), { mode: 0o555 })
  chmodSync(join(dir, 'read-only'), 0o555)
  chmodSync(join(dir, 'secret.json'), 0o000)
  writeFileSync(join(dir, 'ok.db'), '')
  const busy = createServer()
  await new Promise<void>(resolve => busy.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { busy.close() })
  const port = String((busy.address() as { port: number }).port)
  const memory = { DATABASE_PATH: ':memory:' }
  const fix = 'set DATABASE_PATH to a file in a folder this user can write, or to :memory:'

  const cases: Array<[name: string, args: string[], env: Record<string, string>, line: string]> = [
    ['bad setting', ['serve'], { ...memory, PORT: 'abc' },
      'invalid setting PORT: must be a port number from 0 to 65535, 0 for any free port (got "abc")'],
    ['bad setting as a flag', ['serve', '--cors-origin', 'localhost:5173'], memory,
      'invalid setting CORS_ORIGIN: must be * or a comma-separated list of origins such as http://localhost:5173, each scheme://host[:port] without a path (got "localhost:5173")'],
    ['missing fixture', ['serve'], { ...memory, SEED_FILE: join(dir, 'missing.json') },
      `SEED_FILE ${join(dir, 'missing.json')} cannot be read (ENOENT): set SEED_FILE to a fixture file this user can read, or unset it for the demo data`],
    ['unreadable fixture', ['serve'], { ...memory, SEED_FILE: join(dir, 'secret.json') },
      `SEED_FILE ${join(dir, 'secret.json')} cannot be read (EACCES): set SEED_FILE to a fixture file this user can read, or unset it for the demo data`],
    ['bad fixture', ['serve'], { ...memory, SEED_FILE: join(dir, 'bad.json') },
      `SEED_FILE ${join(dir, 'bad.json')}: projects[0].keys[0].value: must start with basic_key_ and have at least 20 characters after it, each of A-Z a-z 0-9 - . _ ~ + / (a bearer token) (fix the file, or unset SEED_FILE for the demo data)`],
    ['read-only folder', ['serve'], { DATABASE_PATH: join(dir, 'read-only', 'basic-admin.db') },
      `DATABASE_PATH ${join(dir, 'read-only', 'basic-admin.db')}: cannot open or write the database file (SQLITE_CANTOPEN: unable to open database file): ${fix}`],
    ['folder in a read-only folder', ['migrate'], { DATABASE_PATH: join(dir, 'read-only', 'data', 'basic-admin.db') },
      `DATABASE_PATH ${join(dir, 'read-only', 'data', 'basic-admin.db')}: cannot create its folder ${join(dir, 'read-only', 'data')} (EACCES): ${fix}`],
    ['not a database', ['serve'], { DATABASE_PATH: join(dir, 'not-a-database.db') },
      `DATABASE_PATH ${join(dir, 'not-a-database.db')} is not a SQLite database (SQLITE_NOTADB): set DATABASE_PATH to another file, or move this one away`],
    ['port in use', ['serve'], { ...memory, PORT: port },
      `PORT ${port} on HOST 127.0.0.1 is already in use (EADDRINUSE): stop what listens there, or set PORT to another port (0 picks a free one)`],
    // 192.0.2.0/24 is reserved for documentation: never an address of this machine.
    ['host not here', ['serve'], { ...memory, HOST: '192.0.2.1' },
      'HOST 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL): set HOST to 127.0.0.1, or 0.0.0.0 for every interface'],
    ['unknown flag', ['serve', '--prot', '4402'], memory,
      'unknown option --prot (did you mean --port?): basic-admin-mock --help lists every option'],
    ['flag without its value', ['serve', '--port'], memory,
      '--port needs a value, as in --port VALUE or --port=VALUE'],
    ['unknown command', ['srve'], memory,
      'unknown command "srve": basic-admin-mock --help lists the commands']
  ]
  // The permission cases run as an unprivileged user; the others keep tap's process tracking (for npm run coverage).
  const permissions = new Set(['unreadable fixture', 'read-only folder', 'folder in a read-only folder'])
  const runnable = cases.filter(([name]) => !permissions.has(name) || !('why' in place))
  for (const [name] of cases.filter(c => !runnable.includes(c))) t.test(name, { skip: 'why' in place ? place.why : true }, () => {})
  const results = await Promise.all(runnable.map(([name, args, env]) => start(t, args, env, permissions.has(name) && !('why' in place) ? place.cli : undefined)))
  results.forEach((result, i) => {
    const [name, , , line] = runnable[i]!
    t.same({ code: result.code, stderr: result.stderr }, { code: 1, stderr: `basic-admin-mock: ${line}\n` }, name)
    t.notMatch(result.stdout, /listening on/, `${name}: never listened`)
  })
})
