// Outside tools as users run them (their own CLI entry, the arguments their docs give), against the document a
// running server serves: `serve` from dist with the demo data, the way `npm start` runs it.
import { runToEnd } from '../process/run-to-end.js'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { ROOT, spawnProc, type Proc, type Teardown } from './harness.js'
import { readRecipes } from '../../scripts/recipes.mjs'

export { DEMO_KEY_SECRET, ROOT }
const CLI = join(ROOT, 'dist', 'src', 'cli.js')
const require = createRequire(import.meta.url)
// A tool's run is seconds; on a busy 2-core machine allow many times that before calling it stuck.
const TOOL_TIMEOUT_MS = 90_000

/** The JS file behind a package's bin, found through its package.json, so no shell or npx sits in between. */
export function binOf (pkg: string, name: string): string {
  const manifest = require.resolve(`${pkg}/package.json`)
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> }).bin
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]!)
}

/** `serve` from dist on a free port with the demo data (no SEED_FILE), its database in `dir`. */
export async function startDemoServer (teardown: Teardown, dir: string): Promise<{ proc: Proc, url: string }> {
  const proc = spawnProc(teardown, [CLI, 'serve'], { PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: join(dir, 'demo.db'), LOG_LEVEL: 'warn' })
  const banner = await proc.waitFor(/^basic-admin-mock listening on (http:\/\/127\.0\.0\.1:\d+) \(database .+\)$/m, 'the server banner')
  return { proc, url: banner[1]! }
}

export interface Run { code: number | null, stdout: string, stderr: string, ms: number }

/** Runs `node file ...args` to its end in `cwd`; resolves with what it printed, whatever its exit code. */
export function runNode (file: string, args: string[], options: { cwd: string, env?: Record<string, string> }): Promise<Run> {
  return runCommand(process.execPath, ['--no-deprecation', file, ...args], options)
}

async function runCommand (command: string, args: string[], options: { cwd: string, env?: Record<string, string> }): Promise<Run> {
  const started = Date.now()
  const env = { HOME: process.env.HOME ?? options.cwd, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env }
  const { code, stdout, stderr } = await runToEnd(command, args, { cwd: options.cwd, env, timeoutMs: TOOL_TIMEOUT_MS, what: `${command} ${args.join(' ')}`.slice(0, 200) })
  return { code, stdout, stderr, ms: Date.now() - started }
}

/** A GET or PATCH with the demo key, to show it still works after a tool ran. */
export async function demoCall (url: string, method: 'GET' | 'PATCH' = 'GET', body?: object): Promise<{ status: number, json: unknown }> {
  const res = await fetch(`${url}/project/proj_demo/key/key_demo`, {
    method,
    headers: { authorization: `Bearer ${DEMO_KEY_SECRET}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  return { status: res.status, json: await res.json() }
}

// The address the recipes name: the contract's development server, where `npm start` listens.
const DOCUMENTED_URL = 'http://localhost:3003'

/** A recipe of docs/contract.md, as a user would paste it (scripts/recipes.mjs: no other page may repeat it). */
export function recipe (name: string): string {
  const found = readRecipes(ROOT).get(name)
  if (found?.file !== 'docs/contract.md') throw new Error(`docs/contract.md has no recipe ${name}`)
  return found.text
}

/**
 * A scratch folder inside lab/ (scripts/lab.mjs), where npx finds lab's tools as it finds a project's own
 * dependencies, so the recipes of docs/contract.md run there as written; removed at teardown.
 */
export function labScratch (teardown: Teardown, name: string): string {
  mkdirSync(join(ROOT, 'lab', '.recipes'), { recursive: true })
  const dir = mkdtempSync(join(ROOT, 'lab', '.recipes', `${name}-`))
  teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Runs a recipe of docs/contract.md with bash in `cwd`, a scratch folder of labScratch holding copies of the
 * repository files it names, with the server at `url` in place of localhost:3003. npx finds lab's tools and is told
 * never to download one; an npm install in a recipe takes what npm's cache holds (lab's install put it there) before
 * asking the registry. `edit` is for a control run only.
 */
export async function runRecipe (name: string, cwd: string, url: string, files: string[], edit: (script: string) => string = script => script): Promise<Run> {
  for (const file of files) cpSync(join(ROOT, file), join(cwd, file), { recursive: true })
  const script = edit(recipe(name).replaceAll(DOCUMENTED_URL, url))
  return await runCommand('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd,
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      npm_config_yes: 'false',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_prefer_offline: 'true'
    }
  })
}
