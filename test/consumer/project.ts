// A consumer's side of the package, for the tests that use it as one: npm pack, a fresh project beside this one,
// and npm install from the tarball, offline: the project's own node_modules (native addon already built) is copied
// in first, so npm finds everything it needs and fetches nothing.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { patience } from '../patience.js'
import { runToEnd } from '../process/run-to-end.js'

export const ROOT = packageRoot

export interface Run { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, ms: number }

/** A shell-like environment: npm's own npm_* variables removed, as a consumer's terminal would have it. */
export function consumerEnv (extra: Record<string, string> = {}): Record<string, string> {
  // tap's own variables go too: a tap run inside the consumer must not think it is a child of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name, value]) => !/^(npm_|TAP|_TAPJS_|NODE_OPTIONS$)/i.test(name) && value !== undefined)) as Record<string, string>
  return { ...env, ...extra }
}

/**
 * Runs a command to completion in a consumer's environment; after timeoutMs (by default 2 minutes, more on a busy
 * machine) it fails, naming the command, and the command's whole process group is killed (npm and what it started).
 */
export async function run (command: string, args: string[], cwd: string, options: { env?: Record<string, string>, timeoutMs?: number } = {}): Promise<Run> {
  const started = Date.now()
  // Through env -u: tap would put its NODE_OPTIONS back into any env given (test/process/untracked.ts).
  const ran = await runToEnd('/usr/bin/env', ['-u', 'NODE_OPTIONS', command, ...args], {
    env: options.env ?? consumerEnv(),
    cwd,
    timeoutMs: options.timeoutMs ?? patience(12_000),
    what: `${command} ${args.join(' ')} (in ${cwd})`
  })
  return { ...ran, ms: Date.now() - started }
}

export interface Packed { filename: string, files: string[] }

/**
 * npm pack into dest. --ignore-scripts: npm test has just built dist/, and prepare would run tsc again while other
 * test files run dist/.
 */
export async function pack (dest: string): Promise<Packed> {
  const result = await run('npm', ['pack', '--pack-destination', dest, '--ignore-scripts', '--json'], ROOT)
  if (result.code !== 0) throw new Error(`npm pack failed: ${result.stderr}`)
  const [packed] = JSON.parse(result.stdout) as Array<{ filename: string, files: Array<{ path: string }> }>
  return { filename: packed!.filename, files: packed!.files.map(f => f.path).sort() }
}

interface LockEntry { version?: string, dev?: boolean, dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>, peerDependencies?: Record<string, string>, peerDependenciesMeta?: Record<string, { optional?: boolean }> }
// The test tools (tap, vitest, openapi-typescript...) are lab's (lab/package.json), installed in lab/node_modules.
export const LAB = join(ROOT, 'lab')
const lock = (root = ROOT): Record<string, LockEntry> => (JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages

/** The version of a package as this project's lockfile has it, or else lab's, for a consumer's package.json. */
export function lockedVersion (name: string): string {
  const version = lock()[`node_modules/${name}`]?.version ?? lock(LAB)[`node_modules/${name}`]?.version
  if (version === undefined) throw new Error(`${name} is in neither package-lock.json nor lab/package-lock.json`)
  return version
}

/** The top-level folders of node_modules that `names` need, resolved as Node does (nested first, then upwards). */
function closure (packages: Record<string, LockEntry>, names: string[]): Set<string> {
  const resolve = (from: string, name: string): string | undefined => {
    for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
      const candidate = `${at === '' ? '' : `${at}/`}node_modules/${name}`
      if (packages[candidate] !== undefined) return candidate
      if (at === '') return undefined
    }
  }
  const seen = new Set<string>()
  const todo = names.map(name => `node_modules/${name}`)
  while (todo.length > 0) {
    const path = todo.pop()!
    const entry = packages[path]
    if (seen.has(path) || entry === undefined) continue
    seen.add(path)
    const needs = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies }
    for (const name of Object.keys(needs)) {
      if (entry.peerDependenciesMeta?.[name]?.optional === true) continue
      const found = resolve(path, name)
      if (found !== undefined) todo.push(found)
    }
  }
  return new Set([...seen].map(path => /^node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(path)![0]))
}

/**
 * Hard links (cp -al) where the consumer is on the same file system: the copy of tap and vitest was 16,000 files,
 * 200 MB written on every run, 40 s of disk on a busy machine where links take 6. Nothing writes into an installed
 * package's files (npm keeps them, the tools write their caches into folders of their own); a plain copy otherwise.
 */
function copyOrLink (sources: string[], into: string): ReturnType<typeof spawnSync> {
  const copied = sources.filter(source => WRITES_ITSELF.some(name => source.endsWith(`/node_modules/${name}`)))
  const linked = spawnSync('cp', ['-al', ...sources.filter(source => !copied.includes(source)), into], { encoding: 'utf8' })
  if (linked.status !== 0) return spawnSync('cp', ['-a', '--remove-destination', ...sources, into], { encoding: 'utf8' })
  return copied.length === 0 ? linked : spawnSync('cp', ['-a', ...copied, into], { encoding: 'utf8' })
}
// tap rebuilds itself into @tapjs/test (writeFileSync, in place) when a project's plugins differ: never through a link.
const WRITES_ITSELF = ['@tapjs/test']

/** Copies node_modules folders (`node_modules/x`, `node_modules/@s/x`) of `from` with cp, several times faster than cpSync. */
function copyFolders (consumer: string, folders: Iterable<string>, from = ROOT): Set<string> {
  const byParent = new Map<string, string[]>()
  for (const folder of folders) {
    // Optional packages for other platforms are in the lockfile but not on disk; a folder already there stays.
    if (!existsSync(join(from, folder)) || existsSync(join(consumer, folder))) continue
    const parent = dirname(folder)
    byParent.set(parent, [...(byParent.get(parent) ?? []), folder])
  }
  const copied = new Set<string>()
  for (const [parent, list] of byParent) {
    mkdirSync(join(consumer, parent), { recursive: true })
    const cp = copyOrLink(list.map(folder => join(from, folder)), join(consumer, parent))
    if (cp.status !== 0) throw new Error(`cp -a into ${parent} failed: ${cp.stderr}`)
    for (const folder of list) copied.add(folder.slice('node_modules/'.length))
  }
  // A package without its bin links counts as not installed, and npm would fetch it again.
  const bin = join(consumer, 'node_modules', '.bin')
  mkdirSync(bin, { recursive: true })
  for (const link of readdirSync(join(from, 'node_modules', '.bin'))) {
    const target = readlinkSync(join(from, 'node_modules', '.bin', link))
    const parts = target.replace(/^\.\.\//, '').split('/')
    const name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!
    if (copied.has(name) && !existsSync(join(bin, link))) symlinkSync(target, join(bin, link))
  }
  return copied
}

/**
 * Copies this project's production dependencies (better-sqlite3 already compiled) and the given dev dependencies
 * into the consumer, so that npm keeps them instead of fetching them or compiling the addon again (60-90 s);
 * --offline then proves the tarball asks for nothing else.
 */
export function preseed (consumer: string, devDependencies: string[] = []): void {
  const packages = lock()
  const production = Object.keys(packages).filter(path => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && packages[path]!.dev !== true)
  copyFolders(consumer, [...production, ...devDependencies.map(name => `node_modules/${name}`)])
}

/** Dev tools the consumer installed (tap, vitest), with everything they need, as this project's lab has them. */
export function installTools (consumer: string, tools: string[]): void {
  copyFolders(consumer, closure(lock(LAB), tools), LAB)
}
