// Where a test can run the CLI as an unprivileged user (the permission cases: root ignores file modes). A clone in a
// private folder (a `mktemp -d` folder, root's 0700 home) is out of that user's reach, and so are the files a test
// makes there: the CLI would fail to load, and a case would fail, or pass, for that reason instead of its own. Then
// the CLI is copied, with what it loads, into a folder the user reaches; where none can be had, the caller is told why.
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { preseed } from '../consumer/project.js'
import { CLI } from './harness.js'

export interface User { uid: number, gid: number }

/** The CLI to run and the folder for the case's files, both within the user's reach; or why there are none. */
export type Place = { cli: string, dir: string, copied: boolean } | { why: string }

/** Runs `node args` as the user, without tap's process tracking (it would write into .tap/ as that user). */
function asUser (user: User, args: string[], env: Record<string, string> = {}): { ok: boolean, said: string } {
  const ran = spawnSync('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, ...args], { ...user, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } })
  const lines = `${ran.stderr ?? ''}${ran.error?.message ?? ''}`.split('\n').filter(line => line.trim() !== '')
  // Node's own failure names its error on a line of its own, below the place it was thrown.
  return { ok: ran.status === 0, said: lines.find(line => /^\w*Error\b/.test(line)) ?? lines[0] ?? `exit code ${ran.status}` }
}

/** Whether the user can run `cli` (migrate, in memory: its modules and migrations/), and search and read `dir`. */
function reaches (user: User, cli: string, dir: string): { ok: boolean, said: string } {
  const migrate = asUser(user, [cli, 'migrate'], { DATABASE_PATH: ':memory:' })
  if (!migrate.ok) return migrate
  return asUser(user, ['-e', 'require("node:fs").accessSync(process.argv[1], require("node:fs").constants.R_OK | require("node:fs").constants.X_OK)', dir])
}

/**
 * `dir` (a test's folder, made readable by all) and this checkout's CLI when the user reaches both; else a copy of
 * the CLI (dist/src, migrations, openapi, package.json, the production dependencies) and a folder beside it, in
 * the system's temporary folder, removed at teardown.
 */
export function placeFor (t: { teardown: (fn: () => unknown) => void }, user: User, dir: string): Place {
  const node = asUser(user, ['--version'])
  if (!node.ok) return { why: `uid ${user.uid} cannot run ${process.execPath} (each folder above it must be readable and searchable by all): ${node.said}` }
  const here = reaches(user, CLI, dir)
  if (here.ok) return { cli: CLI, dir, copied: false }
  const base = mkdtempSync(join(tmpdir(), 'basic-admin-mock-as-user-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  for (const part of ['package.json', 'migrations', 'openapi', join('dist', 'src')]) cpSync(join(packageRoot, part), join(base, part), { recursive: true })
  preseed(base)
  mkdirSync(join(base, 'cases'))
  // Readable by all whatever the umask made of the copies; mkdtemp's folder is private.
  spawnSync('chmod', ['-R', 'a+rX', base])
  chmodSync(base, 0o755)
  const copy = { cli: join(base, 'dist', 'src', 'cli.js'), dir: join(base, 'cases'), copied: true }
  const there = reaches(user, copy.cli, copy.dir)
  if (there.ok) return copy
  return { why: `uid ${user.uid} reaches neither this checkout (${here.said}) nor a copy in ${tmpdir()} (${there.said})` }
}
