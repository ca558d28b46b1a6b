// The lab: the outside tools only the tests, the lint and the bench use (tap, Prism, Portman, newman, Dredd, Spectral,
// playwright-core, eslint...) are a package of their own, lab/ with its lockfile, so that `npm install` installs only
// what the server needs (docs/development.md, "The lab").
//
// `npm run lab` (every script that needs a tool runs it first): installs lab/ (npm ci in lab/, again only when its
// lockfile changed) and links it where this project looks. Each package link folder holds lab's own dependencies
// only, never theirs (a test importing `yaml` still gets this project's own): test/, bench/ and scripts/node_modules
// for tsc and tsx, dist-test/node_modules for the compiled tests (ESM walks up node_modules folders; NODE_PATH does
// not apply to it). Their commands go into node_modules/.bin, where npm scripts and `npx tap` find them. No package
// is linked into this project's own node_modules: npm manages it, and an `npm install` prunes what it did not put
// there, through a symlink lab's own packages too (npm leaves .bin alone). Several may run at once (npm test runs
// lint, build:tests and layers side by side): a lock folder lets one install while the others wait.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const LAB = join(ROOT, 'lab')
const MODULES = join(LAB, 'node_modules')
const BIN = join(ROOT, 'node_modules', '.bin')
const STAMP = join(MODULES, '.lab-installed')
const LOCK = join(LAB, '.installing')
// Where this project's own code imports lab's packages from: its TypeScript sources (tsc, tsx) and the compiled tests.
const SOURCES = ['test', 'bench', 'scripts']
// An install takes minutes on a slow network; a lock older than this was left by a killed run.
const STALE_LOCK_MS = 30 * 60_000

const say = message => process.stderr.write(`lab: ${message}\n`)
class LabError extends Error {}

function stampOf () {
  const hash = createHash('sha256')
  for (const file of ['package.json', 'package-lock.json']) hash.update(readFileSync(join(LAB, file)))
  return hash.digest('hex')
}

async function withLock (fn) {
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true })
      else await sleep(200)
    }
  }
  try {
    return fn()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

function install () {
  say('installing the test tools into lab/node_modules (npm ci in lab/, again only when lab/package-lock.json changes)')
  rmSync(STAMP, { force: true })
  const started = Date.now()
  // Under `npm run`, npm's own prefix variables name this project: lab/ is a project of its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_(local_|global_)?prefix$/i.test(name)))
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: LAB, env, stdio: ['ignore', 2, 2] })
  if (result.status !== 0) throw new LabError(`npm ci in lab/ failed (exit ${result.status ?? result.signal})`)
  writeFileSync(STAMP, stampOf())
  say(`installed in ${Math.round((Date.now() - started) / 1000)} s`)
}

/** lab's own dependencies, but those this project has itself (lab has typescript for openapi-typescript). */
function tools () {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const ownNames = new Set(Object.keys({ ...own.dependencies, ...own.devDependencies }))
  return Object.keys(JSON.parse(readFileSync(join(LAB, 'package.json'), 'utf8')).dependencies).filter(name => !ownNames.has(name))
}

/**
 * `link` becomes a symlink to `target`, relative as npm makes them, unless it is one already; `mine` says whether
 * what is there may be replaced (a link lab made before), or is npm's (an error).
 */
function ensureLink (link, target, mine = () => true) {
  const wanted = relative(dirname(link), target)
  const current = lstatSync(link, { throwIfNoEntry: false })
  const points = current?.isSymbolicLink() === true ? readlinkSync(link) : undefined
  if (points === wanted) return
  if (current !== undefined) {
    if (!mine(points)) throw new LabError(`${relative(ROOT, link)} is this project's own, so lab cannot link ${relative(ROOT, target)} there: keep each tool in one package.json`)
    rmSync(link, { recursive: true, force: true })
  }
  mkdirSync(dirname(link), { recursive: true })
  symlinkSync(wanted, link)
}

/** `folder` (a node_modules) holds a link to each lab tool and nothing else. */
export function linkInto (folder, names = tools()) {
  mkdirSync(folder, { recursive: true })
  const wanted = new Set(names)
  for (const entry of readdirSync(folder)) {
    const scoped = entry.startsWith('@') ? readdirSync(join(folder, entry)).map(name => `${entry}/${name}`) : [entry]
    for (const name of scoped) if (!wanted.has(name)) rmSync(join(folder, name), { recursive: true, force: true })
  }
  for (const name of names) ensureLink(join(folder, name), join(MODULES, name))
}

// tap's own bin looks for the tap of the project it runs in (this one, which has none) and then loads that tap's runner,
// @tapjs/run: the command runs lab's runner itself.
const RUNNERS = { tap: join('@tapjs', 'run', 'dist', 'esm', 'index.js') }

function linkBins (names) {
  if (!existsSync(BIN)) throw new LabError('this project has no node_modules/.bin: run npm install (or npm ci) first')
  for (const name of names) {
    const { bin } = JSON.parse(readFileSync(join(MODULES, name, 'package.json'), 'utf8'))
    const bins = typeof bin === 'string' ? { [name.split('/').pop()]: bin } : bin ?? {}
    for (const [command, file] of Object.entries(bins)) {
      const target = RUNNERS[command] === undefined ? join(MODULES, name, file) : join(MODULES, RUNNERS[command])
      ensureLink(join(BIN, command), target, points => points?.startsWith('../../lab/') === true)
    }
  }
}

/** Installs lab/ when its lockfile changed, and links it where this project's code and scripts look. */
export async function ready () {
  await withLock(() => {
    if (!existsSync(STAMP) || readFileSync(STAMP, 'utf8') !== stampOf()) install()
    const names = tools()
    for (const source of SOURCES) linkInto(join(ROOT, source, 'node_modules'), names)
    // dist-test/ is build:tests' own (it makes it anew and links lab there): linking here too raced its rmSync in npm test.
    linkBins(names)
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await ready()
  } catch (error) {
    if (!(error instanceof LabError)) throw error
    say(error.message)
    process.exit(1)
  }
}
