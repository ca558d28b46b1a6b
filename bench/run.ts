// npm run bench [-- --quick | --soak | --scale | --profile | --workers N | --baseline DIR | --no-pin | --rounds N | --seconds N]:
// PATCH against the production build, next to a bare Fastify ceiling, the minimal durable PATCH and Prism's mock, in
// alternating rounds at 1, 10 and 100 connections, on a fresh database of 10,000 keys in 100 projects (and the same in
// a namespace and in :memory:); servers and load generator pinned to separate CPUs where taskset exists; --baseline
// runs another checkout's build beside this one; --scale compares 10,000 keys with 1,000,000 keys in 10,000 projects;
// --profile sums a --cpu-prof of the server by stage. docs/performance.md.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { packageRoot } from '../src/paths.js'
import { FIXTURE_FILE_LIMIT } from '../src/domain/fixture.js'
import { createJwtService } from '../src/domain/jwt.js'
import { namespacePath } from '../src/namespaces.js'
import { BENCH_SECRET, createBenchDatabase, type BenchProject } from './setup.js'
import { memoryKb, start, startPatience, UNTRACKED, type Started } from './processes.js'
import { BASELINE, CEILING, GOAL, load, MEMORY, median, MINIMAL, NO_WRITE, PAIRED, patch, type Measured, type Scenario } from './load.js'
import { allowedCpus, pinned, serverPrefix, type Pinning } from './pinning.js'
import { cpuPerRequest, settle } from './cpu.js'
import { roundRatios, scaleTable, table } from './report.js'
import { profileTable, runProfile } from './profile.js'

export type { Measured } from './load.js'
export { scaleTable, table } from './report.js'

// The package root, also when this file runs compiled (dist-test/, under npm test).
const root = packageRoot
const CLI = join(root, 'dist', 'src', 'cli.js')
// One of lab's tools (scripts/lab.mjs), as everything the bench runs but the server.
const PRISM = join(root, 'lab', 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js')

export { BASELINE, CEILING, GOAL, MEMORY, MINIMAL, NO_WRITE, PAIRED } from './load.js'

/** One scenario's req/s (or CPU per request) against a reference's: each round's ratio (in round order) and their median. */
export interface Versus { ratio: number | undefined, ratios: number[] }
/** Medians over the rounds, with the ratio to the ceiling (ratio, ratios), to the minimal durable PATCH and, for GOAL beside a --baseline, new / old. */
export type Summary = Measured & Versus & { toMinimal: Versus, toBaseline: Versus | undefined, cpuToCeiling: Versus, cpuToBaseline: Versus | undefined }
/** How the run was pinned, and the CPU lists /proc showed for the server and this process while it ran. */
export type PinningReport = { servers: string, load: string, observed: { server: string | undefined, bench: string | undefined } } | { off: string }
export interface Report {
  date: string
  quick: boolean
  pinning: PinningReport
  /** The other checkout whose build ran as BASELINE. */
  baseline: string | undefined
  rounds: Measured[][]
  summary: Summary[]
  peakRssMb: number | undefined
  walMb: number
  startup: { serverMs: number, bareMs: number, ratio: number }
  /** Median ms of the first request in a namespace never used (opened and seeded then), and of one in a used one. */
  namespaceStart: { newMs: number, usedMs: number }
}

export interface BenchOptions {
  quick?: boolean
  soak?: boolean
  workers?: number
  /** false: no taskset (--no-pin). */
  pin?: boolean
  /**
   * A checkout of another commit, built (dist/src/cli.js): its server runs as one more alternating scenario, beside a
   * server of this build started the same way (its own database seeded by its own CLI, this scenario alone): the
   * server of the other scenarios takes four times the writes, and its -wal and checkpoints with them.
   */
  baseline?: string
  /** With baseline: only the ceiling and the two paired servers (a few minutes instead of a quarter of an hour). */
  baselineOnly?: boolean
  /** Rounds at 1 and 100 connections (default 5; 10 connections take the first 3); seconds per load (default 5). */
  rounds?: number
  seconds?: number
  log?: (line: string) => void
}

const QUICK_REQUESTS = 300
const BENCH_NAMESPACE = 'bench'

/** The rounds' connection counts: 1 and 100 in every round, 10 in the first three (the issue's table). */
const connectionsOf = (quick: boolean, round: number): number[] => quick ? [10] : round < 3 ? [1, 10, 100] : [1, 100]

const walSize = (database: string): number => existsSync(`${database}-wal`) ? statSync(`${database}-wal`).size / 1024 / 1024 : 0

/** The first /health in `times` namespaces never used (each opened from the seed then), against one in a used one. */
async function namespaceStartMs (url: string, times: number): Promise<{ newMs: number, usedMs: number }> {
  const timed = async (namespace: string): Promise<number> => {
    const began = performance.now()
    const res = await fetch(`${url}/health`, { headers: { 'x-mock-namespace': namespace } })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`namespace ${namespace}: ${res.status}`)
    return performance.now() - began
  }
  const fresh: number[] = []
  const used: number[] = []
  for (let i = 0; i < times; i++) {
    fresh.push(await timed(`fresh-${i}`))
    used.push(await timed(`fresh-${i}`))
  }
  return { newMs: median(fresh), usedMs: median(used) }
}

async function startupMs (command: string[], env: Record<string, string>, times: number): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < times; i++) {
    const started = await start(command, env, '/ready')
    samples.push(started.startMs)
    await started.stop()
  }
  return median(samples)
}

export async function runBench (options: BenchOptions = {}): Promise<Report> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'))
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first')
  const baselineCli = options.baseline === undefined ? undefined : join(resolve(options.baseline), 'dist', 'src', 'cli.js')
  if (baselineCli !== undefined && !existsSync(baselineCli)) throw new Error(`--baseline ${options.baseline}: no ${baselineCli} (build that checkout first: docs/performance.md)`)
  return await pinned(options.pin, log, async (pinning, off) => await bench(options, log, pinning, off, baselineCli))
}

async function bench (options: BenchOptions, log: (line: string) => void, pinning: Pinning | undefined, off: string | undefined, baselineCli: string | undefined): Promise<Report> {
  const quick = options.quick === true
  const prefix = serverPrefix(pinning)
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-bench-'))
  const database = join(dir, 'bench.db')
  try {
    const [projectCount, keyCount] = quick ? [10, 10] : [100, 100]
    const projects = createBenchDatabase(database, projectCount, keyCount)
    // The minimal durable PATCH's own copy, taken before the server opens (and changes) the original.
    const minimalDb = join(dir, 'minimal.db')
    copyFileSync(database, minimalDb)
    // The same data in a namespace's own file, where the server opens it on first use (src/namespaces.ts).
    createBenchDatabase(namespacePath(database, BENCH_NAMESPACE), projectCount, keyCount)
    // The same keys as a fixture: loaded into :memory: at start, and seeded by the baseline's own CLI into its file.
    // One part: SEED_FILE names one file (10,000 keys are about 1 MB).
    const [fixture, ...more] = (await writeFixture(join(dir, 'fixture'), projectCount, keyCount)).parts
    if (fixture === undefined || more.length > 0) throw new Error(`the fixture of ${projectCount * keyCount} keys is not one file under ${FIXTURE_FILE_LIMIT} bytes`)
    // The server as deployed: production build, default log level, WAL file; optionally one process per worker.
    const env = { DATABASE_PATH: database, JWT_SECRET: BENCH_SECRET, HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }
    const serverCommand = options.workers === undefined ? [...prefix, process.execPath, CLI, 'serve'] : [...prefix, process.execPath, join(root, 'bench', 'cluster-server.mjs')]
    const staticKey = projects[0]!.adminSecret
    let baselineDb: string | undefined
    let pairedDb: string | undefined
    if (baselineCli !== undefined) {
      baselineDb = join(dir, 'baseline.db')
      pairedDb = join(dir, 'paired.db')
      await seedTimed(baselineDb, fixture, baselineCli)
      await seedTimed(pairedDb, fixture)
    }
    const [server, memory, bare, minimal, noWrite, baseline, paired, prism] = await startAll([
      start(serverCommand, { ...env, WORKERS: String(options.workers ?? 1) }, '/ready'),
      start([...prefix, process.execPath, CLI, 'serve'], { ...env, DATABASE_PATH: ':memory:', SEED_FILE: fixture }, '/ready'),
      start([...prefix, process.execPath, join(root, 'bench', 'bare-server.mjs')], {}, '/ready'),
      start([...prefix, process.execPath, join(root, 'bench', 'minimal-durable.mjs')], { DATABASE_PATH: minimalDb, API_KEY: staticKey }, '/ready'),
      start([...prefix, process.execPath, join(root, 'bench', 'minimal-durable.mjs')], { DATABASE_PATH: minimalDb, API_KEY: staticKey, NO_WRITE: '1' }, '/ready'),
      baselineCli === undefined ? undefined : start([...prefix, process.execPath, baselineCli, 'serve'], { ...env, DATABASE_PATH: baselineDb! }, '/ready'),
      baselineCli === undefined ? undefined : start([...prefix, process.execPath, CLI, 'serve'], { ...env, DATABASE_PATH: pairedDb! }, '/ready'),
      quick || !existsSync(PRISM) ? undefined : start([...prefix, process.execPath, PRISM, 'mock', join(root, 'openapi', 'basic-admin.yaml'), '-h', '127.0.0.1', '-p', '{PORT}'], {}, '/auth/.well-known/jwks.json').catch(() => undefined)
    ] as const)
    const servers = [server, memory, bare, minimal, noWrite, baseline, paired, prism].filter((started): started is Started => started !== undefined)
    const stopAll = async (): Promise<void> => { await Promise.all(servers.map(async started => await started.stop())) }
    try {
      const pinningReport: PinningReport = pinning === undefined
        ? { off: off ?? 'not pinned' }
        : { servers: pinning.servers, load: pinning.load, observed: { server: allowedCpus(server.child.pid!), bench: allowedCpus() } }
      const scenarios: Scenario[] = [
        { name: CEILING, target: () => bare, request: patch(projects, p => p.hs256) },
        { name: MINIMAL, target: () => minimal, request: patch(projects, () => staticKey, { roles: true }) },
        { name: NO_WRITE, target: () => noWrite, request: patch(projects, () => staticKey, { roles: true }) },
        { name: 'PATCH, API key', target: () => server, request: patch(projects, p => p.adminSecret) },
        { name: GOAL, target: () => server, request: patch(projects, p => p.adminSecret, { roles: true }) },
        { name: MEMORY, target: () => memory, request: patch(projects, p => p.adminSecret, { roles: true }) },
        { name: 'PATCH, API key, namespace', target: () => server, request: patch(projects, p => p.adminSecret, { namespace: BENCH_NAMESPACE }) },
        { name: 'PATCH, HS256 JWT', target: () => server, request: patch(projects, p => p.hs256) },
        { name: 'PATCH, RS256 JWT', target: () => server, request: patch(projects, p => p.rs256) },
        { name: BASELINE, target: () => baseline, request: patch(projects, p => p.adminSecret, { roles: true }) },
        { name: PAIRED, target: () => paired, request: patch(projects, p => p.adminSecret, { roles: true }) },
        { name: 'prism mock (peer)', target: () => prism, request: patch(projects, p => p.hs256) }
      ]
      if (options.soak === true) return await soak(server, scenarios.find(scenario => scenario.name === 'PATCH, API key')!, log, database, stopAll, pinningReport)
      if (options.baselineOnly === true) scenarios.splice(0, scenarios.length, ...scenarios.filter(scenario => [CEILING, BASELINE, PAIRED].includes(scenario.name)))
      const rounds: Measured[][] = []
      const roundCount = options.rounds ?? (quick ? 1 : 5)
      const seconds = options.seconds ?? (quick ? 1 : 5)
      // Every progress line's columns under one another: the longest name sets the width.
      const nameWidth = Math.max(...scenarios.map(scenario => scenario.name.length))
      for (let round = 0; round < roundCount; round++) {
        const measured: Measured[] = []
        for (const connections of connectionsOf(quick, round)) {
          // Alternate the order each round, so drift on a shared machine does not favour one scenario.
          const order = round % 2 === 0 ? scenarios : [...scenarios].reverse()
          const group: Measured[] = []
          for (const scenario of order) {
            const target = scenario.target()
            if (target === undefined) continue
            if (!quick) await load(target.url, connections, 1, scenario.request, scenario.name)
            // What the warm-up (or the scenario before) left running on the servers' CPU runs now, not in this load.
            if (!quick) await settle(servers.map(started => started.child.pid!))
            // --quick proves the harness with a few hundred requests each, and leaves the CPU to the tests beside it.
            // With --workers the server's CPU is spread over processes the bench does not see: no CPU per request.
            const pid = options.workers !== undefined && target === server ? undefined : target.child.pid
            const result = await cpuPerRequest(pid, async () => await load(target.url, connections, seconds, scenario.request, scenario.name, quick ? QUICK_REQUESTS : undefined))
            group.push(result)
            log(`round ${round + 1} ${String(connections).padStart(3)} conns  ${scenario.name.padEnd(nameWidth)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  CPU ${result.cpuUs?.toFixed(0) ?? '?'} us/req  non-2xx ${result.non2xx}`)
          }
          log(roundRatios(round, connections, group))
          measured.push(...group)
        }
        rounds.push(measured)
      }
      const namespaceStart = await namespaceStartMs(server.url, quick ? 5 : 20)
      log(`a new namespace answers its first request in ${namespaceStart.newMs.toFixed(1)} ms (a used one in ${namespaceStart.usedMs.toFixed(1)} ms)`)
      const peakRssMb = memoryKb(server.child.pid!, 'VmHWM') === undefined ? undefined : memoryKb(server.child.pid!, 'VmHWM')! / 1024
      // Measured while the server runs: closing the database checkpoints and removes the -wal file.
      const walMb = walSize(database)
      await stopAll()
      const startup = {
        serverMs: await startupMs([...prefix, process.execPath, CLI, 'serve'], env, quick ? 1 : 5),
        bareMs: await startupMs([...prefix, process.execPath, join(root, 'bench', 'bare-server.mjs')], {}, quick ? 1 : 5),
        ratio: 0
      }
      startup.ratio = startup.serverMs / startup.bareMs
      return { date: new Date().toISOString(), quick, pinning: pinningReport, baseline: options.baseline, rounds, summary: summarise(rounds), peakRssMb, walMb, startup, namespaceStart }
    } finally {
      await stopAll()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Starts the servers side by side; when one fails, those that started are stopped before its error goes on. */
async function startAll<T extends ReadonlyArray<Promise<Started | undefined> | undefined>> (starts: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts)
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failed !== undefined) {
    await Promise.all(settled.map(result => result.status === 'fulfilled' ? result.value?.stop() : undefined))
    throw failed.reason
  }
  return settled.map(result => (result as PromiseFulfilledResult<Started | undefined>).value) as { -readonly [K in keyof T]: Awaited<T[K]> }
}

/** Each round's ratio of `scenario` to `reference` at one connection count, and their median. */
function versus (rounds: Measured[][], scenario: string, connections: number, reference: string, metric: (m: Measured) => number | undefined = m => m.rps): Versus {
  const ratios = rounds.map(round => {
    const mine = round.find(m => m.connections === connections && m.scenario === scenario)
    const theirs = round.find(m => m.connections === connections && m.scenario === reference)
    const [a, b] = [mine === undefined ? undefined : metric(mine), theirs === undefined ? undefined : metric(theirs)]
    return a === undefined || b === undefined ? undefined : a / b
  }).filter((r): r is number => r !== undefined && Number.isFinite(r))
  return { ratio: ratios.length === 0 ? undefined : median(ratios), ratios }
}

/** Medians over rounds; each ratio is taken against the reference of the same round and connection count. */
function summarise (rounds: Measured[][], ceiling = CEILING): Summary[] {
  const keys = [...new Set(rounds.flat().map(m => `${m.connections}|${m.scenario}`))]
  const hasBaseline = rounds.flat().some(m => m.scenario === BASELINE)
  return keys.map(key => {
    const runs = rounds.flat().filter(m => `${m.connections}|${m.scenario}` === key)
    const { scenario, connections } = runs[0]!
    return {
      scenario,
      connections,
      rps: median(runs.map(m => m.rps)),
      p50: median(runs.map(m => m.p50)),
      p99: median(runs.map(m => m.p99)),
      non2xx: runs.reduce((sum, m) => sum + m.non2xx, 0),
      requests: runs.reduce((sum, m) => sum + m.requests, 0),
      cpuUs: median(runs.map(m => m.cpuUs).filter((us): us is number => us !== undefined)),
      ...versus(rounds, scenario, connections, ceiling),
      toMinimal: versus(rounds, scenario, connections, MINIMAL),
      toBaseline: hasBaseline && scenario === PAIRED ? versus(rounds, scenario, connections, BASELINE) : undefined,
      cpuToCeiling: versus(rounds, scenario, connections, ceiling, m => m.cpuUs),
      cpuToBaseline: hasBaseline && scenario === PAIRED ? versus(rounds, scenario, connections, BASELINE, m => m.cpuUs) : undefined
    }
  })
}

/** 60 s of API-key PATCHes at 100 connections, sampling the server's RSS every second. */
async function soak (server: Started, scenario: Scenario, log: (line: string) => void, database: string, stopAll: () => Promise<void>, pinning: PinningReport): Promise<Report> {
  const samples: number[] = []
  const timer = setInterval(() => { samples.push(memoryKb(server.child.pid!, 'VmRSS') ?? NaN) }, 1000)
  const result = await load(server.url, 100, 60, scenario.request, scenario.name)
  clearInterval(timer)
  const at20 = samples[19]! / 1024
  const at60 = samples[samples.length - 1]! / 1024
  log(`soak: ${result.rps.toFixed(0)} req/s, non-2xx ${result.non2xx}, RSS ${at20.toFixed(1)} MB at 20 s, ${at60.toFixed(1)} MB at ${samples.length} s (${(((at60 - at20) / at20) * 100).toFixed(1)}%)`)
  const peakRssMb = (memoryKb(server.child.pid!, 'VmHWM') ?? NaN) / 1024
  const walMb = walSize(database)
  await stopAll()
  return { date: new Date().toISOString(), quick: false, pinning, baseline: undefined, rounds: [[result]], summary: [{ ...result, ratio: undefined, ratios: [], toMinimal: { ratio: undefined, ratios: [] }, toBaseline: undefined, cpuToCeiling: { ratio: undefined, ratios: [] }, cpuToBaseline: undefined }], peakRssMb, walMb, startup: { serverMs: NaN, bareMs: NaN, ratio: NaN }, namespaceStart: { newMs: NaN, usedMs: NaN } }
}

export interface ScaleReport {
  date: string
  keys: { small: number, large: number }
  /** `basic-admin-mock seed` of the large fixture: wall time, the file's size, the CLI's peak RSS, the database's size. */
  seed: { seconds: number, parts: number, fixtureMb: number, peakRssMb: number, databaseMb: number }
  summary: Summary[]
  /** How much of the small database's share of the ceiling the large one loses. */
  loss: number
  /** The large database's CPU per PATCH over the small one's, each round and their median (1.10: 10% more). */
  cpuLoss: Versus
  peakRssMb: { small: number | undefined, large: number | undefined }
}

/**
 * A fixture of `projects` projects with one owner and `keys` keys each, as files of at most `partBytes` each (whole
 * projects with their owners), written as `base-N.json`:
 * `seed` reads a fixture of at most FIXTURE_FILE_LIMIT and adds what is missing, so a large data set loads in parts.
 */
async function writeFixture (base: string, projects: number, keys: number, partBytes = FIXTURE_FILE_LIMIT): Promise<{ projects: BenchProject[], parts: string[] }> {
  const jwt = createJwtService({ secret: BENCH_SECRET })
  const made: BenchProject[] = []
  const parts: string[] = []
  let users: string[] = []
  let items: string[] = []
  let bytes = 0
  const envelope = '{"users":[],"projects":[]}\n'.length
  const flush = async (): Promise<void> => {
    const path = `${base}-${parts.length}.json`
    await writeFile(path, `{"users":[${users.join(',')}],"projects":[${items.join(',')}]}\n`)
    parts.push(path)
    users = []
    items = []
    bytes = 0
  }
  for (let p = 0; p < projects; p++) {
    const user = `{"id":"user_${p}","email":"user_${p}@example.com"}`
    const keyIds = Array.from({ length: keys }, (_, k) => `key_${p}_${k}`)
    const keyItems = keyIds.map((id, k) => `{"id":"${id}","label":"Key ${k}","roles":"${k === 0 ? 'admin' : 'read'}","value":"basic_key_bench_${p}_${k}_${'0'.repeat(24)}"}`)
    const project = `{"id":"proj_${p}","name":"proj_${p}","members":[{"user":"user_${p}","role":"owner"}],"keys":[${keyItems.join(',')}]}`
    const size = user.length + project.length + 2
    if (envelope + size > partBytes) throw new Error(`one project of ${keys} keys is ${envelope + size} bytes, over a part's ${partBytes}`)
    if (envelope + bytes + size > partBytes) await flush()
    users.push(user)
    items.push(project)
    bytes += size
    made.push({ id: `proj_${p}`, adminSecret: `basic_key_bench_${p}_0_${'0'.repeat(24)}`, keyIds, hs256: jwt.sign(`user_${p}`, { expiresIn: 86400 }), rs256: '' })
  }
  if (items.length > 0) await flush()
  return { projects: made, parts }
}

/** `basic-admin-mock seed FILE` into a fresh database, timed, with the CLI's peak RSS sampled from /proc. */
async function seedTimed (database: string, fixture: string, cli = CLI): Promise<{ seconds: number, peakRssMb: number }> {
  const began = performance.now()
  const [file, ...args] = [...UNTRACKED, process.execPath, cli, 'seed', fixture]
  const child = spawn(file!, args, { env: { ...process.env, DATABASE_PATH: database, JWT_SECRET: BENCH_SECRET }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  let peak = 0
  const timer = setInterval(() => { peak = Math.max(peak, memoryKb(child.pid!, 'VmHWM') ?? 0) }, 20)
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  clearInterval(timer)
  if (code !== 0) throw new Error(`seed ${fixture} exited ${code}: ${stderr}`)
  return { seconds: (performance.now() - began) / 1000, peakRssMb: peak / 1024 }
}

/**
 * npm run bench -- --scale: PATCH by HS256 JWT over random keys, 100 connections, against 10,000 keys in 100 projects
 * and 1,000,000 keys in 10,000 projects, both loaded with `seed` from a fixture, in alternating rounds with the ceiling.
 */
export async function runScale (options: { log?: (line: string) => void, large?: { projects: number, keys: number }, partBytes?: number, quick?: boolean, pin?: boolean, rounds?: number } = {}): Promise<ScaleReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'))
  return await pinned(options.pin, log, async pinning => await scale(options, log, serverPrefix(pinning)))
}

async function scale (options: { large?: { projects: number, keys: number }, partBytes?: number, quick?: boolean, rounds?: number }, log: (line: string) => void, prefix: string[]): Promise<ScaleReport> {
  const quick = options.quick === true
  const large = options.large ?? { projects: 10_000, keys: 100 }
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-scale-'))
  try {
    const smallFixture = await writeFixture(join(dir, 'small'), quick ? 10 : 100, quick ? 10 : 100)
    const largeFixture = await writeFixture(join(dir, 'large'), large.projects, large.keys, options.partBytes)
    const smallProjects = smallFixture.projects
    const largeProjects = largeFixture.projects
    const smallDb = join(dir, 'small.db')
    const largeDb = join(dir, 'large.db')
    for (const part of smallFixture.parts) await seedTimed(smallDb, part)
    // One `seed` per part, in turn: the times add up, the peak RSS is the largest part's.
    const seeded = { seconds: 0, peakRssMb: 0 }
    for (const part of largeFixture.parts) {
      const one = await seedTimed(largeDb, part)
      seeded.seconds += one.seconds
      seeded.peakRssMb = Math.max(seeded.peakRssMb, one.peakRssMb)
    }
    const fixtureMb = largeFixture.parts.reduce((sum, part) => sum + statSync(part).size, 0) / 1024 / 1024
    const seed = { ...seeded, parts: largeFixture.parts.length, fixtureMb, databaseMb: statSync(largeDb).size / 1024 / 1024 }
    log(`seed of ${large.projects * large.keys} keys: ${seed.seconds.toFixed(1)} s, fixture ${seed.fixtureMb.toFixed(0)} MB in ${seed.parts} parts, peak RSS ${seed.peakRssMb.toFixed(0)} MB, database ${seed.databaseMb.toFixed(0)} MB`)
    const env = { JWT_SECRET: BENCH_SECRET, HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }
    const small = await start([...prefix, process.execPath, CLI, 'serve'], { ...env, DATABASE_PATH: smallDb }, '/ready')
    const big = await start([...prefix, process.execPath, CLI, 'serve'], { ...env, DATABASE_PATH: largeDb }, '/ready', startPatience(120_000))
    const bare = await start([...prefix, process.execPath, join(root, 'bench', 'bare-server.mjs')], {}, '/ready')
    try {
      const scenarios: Scenario[] = [
        { name: CEILING, target: () => bare, request: patch(smallProjects, p => p.hs256) },
        { name: `PATCH, HS256 JWT, ${(smallProjects.length * smallProjects[0]!.keyIds.length).toLocaleString('en')} keys`, target: () => small, request: patch(smallProjects, p => p.hs256) },
        { name: `PATCH, HS256 JWT, ${(large.projects * large.keys).toLocaleString('en')} keys`, target: () => big, request: patch(largeProjects, p => p.hs256) }
      ]
      const rounds: Measured[][] = []
      // The issue's goal for scale is judged pinned, over 5 rounds.
      for (let round = 0; round < (options.rounds ?? (quick ? 1 : 5)); round++) {
        const measured: Measured[] = []
        for (const scenario of round % 2 === 0 ? scenarios : [...scenarios].reverse()) {
          const target = scenario.target()!
          if (!quick) await load(target.url, 100, 1, scenario.request, scenario.name)
          if (!quick) await settle([small, big, bare].map(started => started.child.pid!))
          const result = await cpuPerRequest(target.child.pid, async () => await load(target.url, quick ? 10 : 100, 5, scenario.request, scenario.name, quick ? QUICK_REQUESTS : undefined))
          measured.push(result)
          log(`round ${round + 1} ${scenario.name.padEnd(36)} ${result.rps.toFixed(0).padStart(7)} req/s  p99 ${result.p99.toFixed(2)} ms  CPU ${result.cpuUs?.toFixed(0) ?? '?'} us/req  non-2xx ${result.non2xx}`)
        }
        const ceiling = measured.find(m => m.scenario === CEILING)!
        log(`round ${round + 1} ratios to the ceiling: ${measured.filter(m => m !== ceiling).map(m => `${m.scenario} ${(m.rps / ceiling.rps).toFixed(2)}`).join(', ')}`)
        rounds.push(measured)
      }
      const summary = summarise(rounds)
      const peakRssMb = { small: (memoryKb(small.child.pid!, 'VmHWM') ?? NaN) / 1024, large: (memoryKb(big.child.pid!, 'VmHWM') ?? NaN) / 1024 }
      const loss = 1 - summary[2]!.ratio! / summary[1]!.ratio!
      // The same loss in CPU per PATCH, each round's large against the same round's small: what the server spends more.
      const cpuLoss = versus(rounds, summary[2]!.scenario, summary[2]!.connections, summary[1]!.scenario, m => m.cpuUs)
      return { date: new Date().toISOString(), keys: { small: smallProjects.length * smallProjects[0]!.keyIds.length, large: large.projects * large.keys }, seed, summary, loss, cpuLoss, peakRssMb }
    } finally {
      await Promise.all([small.stop(), big.stop(), bare.stop()])
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      soak: { type: 'boolean' },
      scale: { type: 'boolean' },
      profile: { type: 'boolean' },
      workers: { type: 'string' },
      baseline: { type: 'string' },
      'baseline-only': { type: 'boolean' },
      pin: { type: 'boolean', default: true },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' }
    },
    allowNegative: true
  })
  const number = (value: string | undefined): number | undefined => value === undefined ? undefined : Number(value)
  const out = join(root, 'bench', 'results')
  mkdirSync(out, { recursive: true })
  const write = (date: string, suffix: string, report: unknown): void => {
    const file = join(out, `${date.replace(/[:.]/g, '-')}${suffix}.json`)
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
    process.stdout.write(`written ${file}\n`)
  }
  if (values.profile === true) {
    const report = await runProfile({ quick: values.quick, pin: values.pin, seconds: number(values.seconds), connections: number(values.connections) })
    process.stdout.write('\n' + profileTable(report) + '\n')
    write(new Date().toISOString(), '-profile', report)
  } else if (values.scale === true) {
    const report = await runScale({ pin: values.pin, rounds: number(values.rounds) })
    process.stdout.write('\n' + scaleTable(report) + '\n')
    write(report.date, '-scale', report)
  } else {
    const report = await runBench({ quick: values.quick, soak: values.soak, pin: values.pin, baseline: values.baseline, baselineOnly: values['baseline-only'], rounds: number(values.rounds), seconds: number(values.seconds), workers: number(values.workers) })
    process.stdout.write('\n' + table(report) + '\n')
    write(report.date, values.quick === true ? '-quick' : values.soak === true ? '-soak' : '', report)
    const failures = report.summary.reduce((sum, row) => sum + row.non2xx, 0)
    if (failures > 0) {
      process.stderr.write(`${failures} answers were not 2xx\n`)
      process.exitCode = 1
    }
  }
}
