// npm run bench [-- --quick | --soak | --scale | --workers N]: PATCH against the production build, next to a bare
// Fastify ceiling and Prism's mock, in alternating rounds, on a fresh database of 10,000 keys in 100 projects (and the
// same in a namespace); --scale compares 10,000 keys with 1,000,000 keys in 10,000 projects. docs/performance.md.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { packageRoot } from '../src/paths.js'
import { createJwtService } from '../src/domain/jwt.js'
import { namespacePath } from '../src/namespaces.js'
import { BENCH_SECRET, createBenchDatabase, type BenchProject } from './setup.js'
import { memoryKb, start, startPatience, UNTRACKED, type Started } from './processes.js'

// The package root, also when this file runs compiled (dist-test/, under npm test).
const root = packageRoot
const CLI = join(root, 'dist', 'src', 'cli.js')
// One of lab's tools (scripts/lab.mjs), as everything the bench runs but the server.
const PRISM = join(root, 'lab', 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js')

export interface Measured { scenario: string, connections: number, rps: number, p50: number, p99: number, non2xx: number, requests: number }
/** Medians over the rounds, with the ratio to the ceiling of each round (in round order) beside their median. */
export type Summary = Measured & { ratio: number | undefined, ratios: number[] }
export interface Report {
  date: string
  quick: boolean
  rounds: Measured[][]
  summary: Summary[]
  peakRssMb: number | undefined
  walMb: number
  startup: { serverMs: number, bareMs: number, ratio: number }
  /** Median ms of the first request in a namespace never used (opened and seeded then), and of one in a used one. */
  namespaceStart: { newMs: number, usedMs: number }
}

const QUICK_REQUESTS = 300
const BENCH_NAMESPACE = 'bench'

type Scenario = { name: string, target: () => Started | undefined, request: (req: Record<string, unknown>) => Record<string, unknown> }

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!
const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 }
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN

/** One autocannon run, for `seconds` or for `amount` requests; latencies come from every response's own time, not the 1 ms histogram. */
async function load (url: string, connections: number, seconds: number, request: Scenario['request'], name: string, amount?: number): Promise<Measured> {
  const latencies: number[] = []
  let counter = 0
  // Without a callback autocannon returns its instance, which is also a promise of the result.
  const instance = autocannon({
    url,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    requests: [{ method: 'PATCH', setupRequest: (req: autocannon.Request) => request({ ...req, counter: counter++ }) as autocannon.Request }]
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>
  instance.on('response', (_client: unknown, _status: number, _bytes: number, time: number) => { latencies.push(time) })
  const result = await instance
  latencies.sort((a, b) => a - b)
  return {
    scenario: name,
    connections,
    rps: result.requests.total / (result.duration || seconds),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    non2xx: result.non2xx + result.errors + result.timeouts,
    requests: result.requests.total
  }
}

interface PatchOptions {
  /** Every other PATCH also sets roles (that keep an admin key admin), which changes what a secret means. */
  roles?: boolean
  /** Sent as X-Mock-Namespace. */
  namespace?: string
}

function patch (projects: BenchProject[], auth: (p: BenchProject) => string, options: PatchOptions = {}) {
  return (req: Record<string, unknown>): Record<string, unknown> => {
    const project = pick(projects)
    const index = Math.floor(Math.random() * project.keyIds.length)
    const withRoles = options.roles === true && (req.counter as number) % 2 === 1
    const roles = index === 0 ? 'admin,read' : 'read,write'
    return {
      ...req,
      path: `/project/${project.id}/key/${project.keyIds[index]!}`,
      headers: {
        authorization: `Bearer ${auth(project)}`,
        'content-type': 'application/json',
        ...(options.namespace === undefined ? {} : { 'x-mock-namespace': options.namespace })
      },
      body: withRoles ? `{"label":"bench ${String(req.counter)}","roles":"${roles}"}` : `{"label":"bench ${String(req.counter)}"}`
    }
  }
}

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

export async function runBench (options: { quick?: boolean, soak?: boolean, workers?: number, log?: (line: string) => void } = {}): Promise<Report> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'))
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first')
  const quick = options.quick === true
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-bench-'))
  const database = join(dir, 'bench.db')
  try {
    const projects = quick ? createBenchDatabase(database, 10, 10) : createBenchDatabase(database, 100, 100)
    // The same data in a namespace's own file, where the server opens it on first use (src/namespaces.ts).
    createBenchDatabase(namespacePath(database, BENCH_NAMESPACE), quick ? 10 : 100, quick ? 10 : 100)
    // The server as deployed: production build, default log level, WAL file; optionally one process per worker.
    const env = { DATABASE_PATH: database, JWT_SECRET: BENCH_SECRET, HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }
    const serverCommand = options.workers === undefined ? [process.execPath, CLI, 'serve'] : [process.execPath, join(root, 'bench', 'cluster-server.mjs')]
    const server = await start(serverCommand, { ...env, WORKERS: String(options.workers ?? 1) }, '/ready')
    const bare = await start([process.execPath, join(root, 'bench', 'bare-server.mjs')], {}, '/ready')
    const prism = quick || !existsSync(PRISM) ? undefined : await start([process.execPath, PRISM, 'mock', join(root, 'openapi', 'basic-admin.yaml'), '-h', '127.0.0.1', '-p', '{PORT}'], {}, '/auth/.well-known/jwks.json').catch(() => undefined)
    const stopAll = async (): Promise<void> => { await Promise.all([server.stop(), bare.stop(), prism?.stop()]) }
    try {
      const scenarios: Scenario[] = [
        { name: 'bare fastify (ceiling)', target: () => bare, request: patch(projects, p => p.hs256) },
        { name: 'PATCH, API key', target: () => server, request: patch(projects, p => p.adminSecret) },
        { name: 'PATCH, API key, roles in half', target: () => server, request: patch(projects, p => p.adminSecret, { roles: true }) },
        { name: 'PATCH, API key, namespace', target: () => server, request: patch(projects, p => p.adminSecret, { namespace: BENCH_NAMESPACE }) },
        { name: 'PATCH, HS256 JWT', target: () => server, request: patch(projects, p => p.hs256) },
        { name: 'PATCH, RS256 JWT', target: () => server, request: patch(projects, p => p.rs256) },
        { name: 'prism mock (peer)', target: () => prism, request: patch(projects, p => p.hs256) }
      ]
      if (options.soak === true) return await soak(server, scenarios[1]!, log, database, stopAll)
      const rounds: Measured[][] = []
      const roundCount = quick ? 1 : 3
      const seconds = quick ? 1 : 5
      const connectionSet = quick ? [10] : [10, 100]
      // Every progress line's columns under one another: the longest name sets the width.
      const nameWidth = Math.max(...scenarios.map(scenario => scenario.name.length))
      for (let round = 0; round < roundCount; round++) {
        const measured: Measured[] = []
        for (const connections of connectionSet) {
          // Alternate the order each round, so drift on a shared machine does not favour one scenario.
          const order = round % 2 === 0 ? scenarios : [...scenarios].reverse()
          for (const scenario of order) {
            const target = scenario.target()
            if (target === undefined) continue
            if (!quick) await load(target.url, connections, 1, scenario.request, scenario.name)
            // --quick proves the harness with a few hundred requests each, and leaves the CPU to the tests beside it.
            const result = await load(target.url, connections, seconds, scenario.request, scenario.name, quick ? QUICK_REQUESTS : undefined)
            measured.push(result)
            log(`round ${round + 1} ${String(connections).padStart(3)} conns  ${scenario.name.padEnd(nameWidth)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  non-2xx ${result.non2xx}`)
          }
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
        serverMs: await startupMs([process.execPath, CLI, 'serve'], env, quick ? 1 : 5),
        bareMs: await startupMs([process.execPath, join(root, 'bench', 'bare-server.mjs')], {}, quick ? 1 : 5),
        ratio: 0
      }
      startup.ratio = startup.serverMs / startup.bareMs
      return { date: new Date().toISOString(), quick, rounds, summary: summarise(rounds), peakRssMb, walMb, startup, namespaceStart }
    } finally {
      await stopAll()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Medians over rounds; each ratio is taken against the ceiling of the same round and connection count. */
function summarise (rounds: Measured[][]): Report['summary'] {
  const keys = [...new Set(rounds.flat().map(m => `${m.connections}|${m.scenario}`))]
  return keys.map(key => {
    const runs = rounds.flat().filter(m => `${m.connections}|${m.scenario}` === key)
    const ratios = rounds.map(round => {
      const mine = round.find(m => `${m.connections}|${m.scenario}` === key)
      const ceiling = round.find(m => m.connections === runs[0]!.connections && m.scenario.startsWith('bare'))
      return mine === undefined || ceiling === undefined ? undefined : mine.rps / ceiling.rps
    }).filter((r): r is number => r !== undefined)
    return {
      scenario: runs[0]!.scenario,
      connections: runs[0]!.connections,
      rps: median(runs.map(m => m.rps)),
      p50: median(runs.map(m => m.p50)),
      p99: median(runs.map(m => m.p99)),
      non2xx: runs.reduce((sum, m) => sum + m.non2xx, 0),
      requests: runs.reduce((sum, m) => sum + m.requests, 0),
      ratio: ratios.length === 0 ? undefined : median(ratios),
      ratios
    }
  })
}

/** 60 s of API-key PATCHes at 100 connections, sampling the server's RSS every second. */
async function soak (server: Started, scenario: Scenario, log: (line: string) => void, database: string, stopAll: () => Promise<void>): Promise<Report> {
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
  return { date: new Date().toISOString(), quick: false, rounds: [[result]], summary: [{ ...result, ratio: undefined, ratios: [] }], peakRssMb, walMb, startup: { serverMs: NaN, bareMs: NaN, ratio: NaN }, namespaceStart: { newMs: NaN, usedMs: NaN } }
}

export interface ScaleReport {
  date: string
  keys: { small: number, large: number }
  /** `basic-admin-mock seed` of the large fixture: wall time, the file's size, the CLI's peak RSS, the database's size. */
  seed: { seconds: number, fixtureMb: number, peakRssMb: number, databaseMb: number }
  summary: Summary[]
  /** How much of the small database's share of the ceiling the large one loses. */
  loss: number
  peakRssMb: { small: number | undefined, large: number | undefined }
}

/** A fixture of `projects` projects with one owner and `keys` keys each, written as a stream (the large one is ~110 MB). */
async function writeFixture (path: string, projects: number, keys: number): Promise<BenchProject[]> {
  const out = createWriteStream(path)
  let failed: Error | undefined
  out.once('error', error => { failed = error })
  // Waits for 'drain' only; an error (a full disk) is thrown at the next write, so no listener piles up per wait.
  const write = async (text: string): Promise<void> => {
    if (failed !== undefined) throw failed
    if (!out.write(text)) await once(out, 'drain')
  }
  const jwt = createJwtService({ secret: BENCH_SECRET })
  const made: BenchProject[] = []
  await write('{"users":[')
  for (let p = 0; p < projects; p++) await write(`${p === 0 ? '' : ','}{"id":"user_${p}","email":"user_${p}@example.com"}`)
  await write('],"projects":[')
  for (let p = 0; p < projects; p++) {
    const keyIds = Array.from({ length: keys }, (_, k) => `key_${p}_${k}`)
    const items = keyIds.map((id, k) => `{"id":"${id}","label":"Key ${k}","roles":"${k === 0 ? 'admin' : 'read'}","value":"basic_key_bench_${p}_${k}_${'0'.repeat(24)}"}`)
    await write(`${p === 0 ? '' : ','}{"id":"proj_${p}","name":"proj_${p}","members":[{"user":"user_${p}","role":"owner"}],"keys":[${items.join(',')}]}`)
    made.push({ id: `proj_${p}`, adminSecret: `basic_key_bench_${p}_0_${'0'.repeat(24)}`, keyIds, hs256: jwt.sign(`user_${p}`, { expiresIn: 86400 }), rs256: '' })
  }
  await write(']}\n')
  await new Promise<void>((resolve, reject) => out.end(() => resolve()).once('error', reject))
  return made
}

/** `basic-admin-mock seed FILE` into a fresh database, timed, with the CLI's peak RSS sampled from /proc. */
async function seedTimed (database: string, fixture: string): Promise<{ seconds: number, peakRssMb: number }> {
  const began = performance.now()
  const [file, ...args] = [...UNTRACKED, process.execPath, CLI, 'seed', fixture]
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
export async function runScale (options: { log?: (line: string) => void, large?: { projects: number, keys: number }, quick?: boolean } = {}): Promise<ScaleReport> {
  const quick = options.quick === true
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'))
  const large = options.large ?? { projects: 10_000, keys: 100 }
  const dir = mkdtempSync(join(tmpdir(), 'basic-admin-scale-'))
  try {
    const smallFixture = join(dir, 'small.json')
    const largeFixture = join(dir, 'large.json')
    const smallProjects = quick ? await writeFixture(smallFixture, 10, 10) : await writeFixture(smallFixture, 100, 100)
    const largeProjects = await writeFixture(largeFixture, large.projects, large.keys)
    const smallDb = join(dir, 'small.db')
    const largeDb = join(dir, 'large.db')
    await seedTimed(smallDb, smallFixture)
    const seeded = await seedTimed(largeDb, largeFixture)
    const seed = { ...seeded, fixtureMb: statSync(largeFixture).size / 1024 / 1024, databaseMb: statSync(largeDb).size / 1024 / 1024 }
    log(`seed of ${large.projects * large.keys} keys: ${seed.seconds.toFixed(1)} s, fixture ${seed.fixtureMb.toFixed(0)} MB, peak RSS ${seed.peakRssMb.toFixed(0)} MB, database ${seed.databaseMb.toFixed(0)} MB`)
    const env = { JWT_SECRET: BENCH_SECRET, HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }
    const small = await start([process.execPath, CLI, 'serve'], { ...env, DATABASE_PATH: smallDb }, '/ready')
    const big = await start([process.execPath, CLI, 'serve'], { ...env, DATABASE_PATH: largeDb }, '/ready', startPatience(120_000))
    const bare = await start([process.execPath, join(root, 'bench', 'bare-server.mjs')], {}, '/ready')
    try {
      const scenarios: Scenario[] = [
        { name: 'bare fastify (ceiling)', target: () => bare, request: patch(smallProjects, p => p.hs256) },
        { name: `PATCH, HS256 JWT, ${(smallProjects.length * smallProjects[0]!.keyIds.length).toLocaleString('en')} keys`, target: () => small, request: patch(smallProjects, p => p.hs256) },
        { name: `PATCH, HS256 JWT, ${(large.projects * large.keys).toLocaleString('en')} keys`, target: () => big, request: patch(largeProjects, p => p.hs256) }
      ]
      const rounds: Measured[][] = []
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        const measured: Measured[] = []
        for (const scenario of round % 2 === 0 ? scenarios : [...scenarios].reverse()) {
          if (!quick) await load(scenario.target()!.url, 100, 1, scenario.request, scenario.name)
          const result = await load(scenario.target()!.url, quick ? 10 : 100, 5, scenario.request, scenario.name, quick ? QUICK_REQUESTS : undefined)
          measured.push(result)
          log(`round ${round + 1} ${scenario.name.padEnd(36)} ${result.rps.toFixed(0).padStart(7)} req/s  p99 ${result.p99.toFixed(2)} ms  non-2xx ${result.non2xx}`)
        }
        rounds.push(measured)
      }
      const summary = summarise(rounds)
      const peakRssMb = { small: (memoryKb(small.child.pid!, 'VmHWM') ?? NaN) / 1024, large: (memoryKb(big.child.pid!, 'VmHWM') ?? NaN) / 1024 }
      const loss = 1 - summary[2]!.ratio! / summary[1]!.ratio!
      return { date: new Date().toISOString(), keys: { small: smallProjects.length * smallProjects[0]!.keyIds.length, large: large.projects * large.keys }, seed, summary, loss, peakRssMb }
    } finally {
      await Promise.all([small.stop(), big.stop(), bare.stop()])
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export function scaleTable (report: ScaleReport): string {
  const lines = ['| scenario | req/s | ratio to ceiling | each round | p99 ms | non-2xx |', '|---|---:|---:|---:|---:|---:|']
  for (const row of report.summary) lines.push(`| ${row.scenario} | ${row.rps.toFixed(0)} | ${row.ratio?.toFixed(2) ?? ''} | ${eachRound(row)} | ${row.p99.toFixed(2)} | ${row.non2xx} |`)
  lines.push('', `${report.keys.large.toLocaleString('en')} keys lose ${(report.loss * 100).toFixed(1)}% of the ${report.keys.small.toLocaleString('en')}-key share of the ceiling; seed ${report.seed.seconds.toFixed(1)} s (fixture ${report.seed.fixtureMb.toFixed(0)} MB, peak RSS ${report.seed.peakRssMb.toFixed(0)} MB), database ${report.seed.databaseMb.toFixed(0)} MB; server peak RSS ${report.peakRssMb.small?.toFixed(0) ?? '?'} MB at ${report.keys.small.toLocaleString('en')} keys, ${report.peakRssMb.large?.toFixed(0) ?? '?'} MB at ${report.keys.large.toLocaleString('en')}`)
  return lines.join('\n')
}

/** The ratio of each round, so that a reader sees how far the rounds of one run spread (the ceiling's own: none). */
function eachRound (row: Summary): string {
  return row.scenario.startsWith('bare') ? '' : row.ratios.map(ratio => ratio.toFixed(2)).join(' ')
}

export function table (report: Report): string {
  const lines = ['| scenario | conns | req/s | ratio to ceiling | each round | p50 ms | p99 ms | p99 / ceiling p99 | non-2xx |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|']
  for (const row of report.summary) {
    const ceiling = report.summary.find(m => m.connections === row.connections && m.scenario.startsWith('bare'))
    lines.push(`| ${row.scenario} | ${row.connections} | ${row.rps.toFixed(0)} | ${row.ratio?.toFixed(2) ?? ''} | ${eachRound(row)} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${ceiling === undefined ? '' : (row.p99 / ceiling.p99).toFixed(2)} | ${row.non2xx} |`)
  }
  lines.push('', `server peak RSS ${report.peakRssMb?.toFixed(1) ?? '?'} MB; -wal after the run ${report.walMb.toFixed(1)} MB; start to /ready ${report.startup.serverMs.toFixed(0)} ms vs bare Fastify ${report.startup.bareMs.toFixed(0)} ms (${report.startup.ratio.toFixed(2)}x); a new namespace's first answer ${report.namespaceStart.newMs.toFixed(1)} ms (a used one's ${report.namespaceStart.usedMs.toFixed(1)} ms)`)
  return lines.join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, soak: { type: 'boolean' }, scale: { type: 'boolean' }, workers: { type: 'string' } } })
  const out = join(root, 'bench', 'results')
  mkdirSync(out, { recursive: true })
  if (values.scale === true) {
    const report = await runScale()
    process.stdout.write('\n' + scaleTable(report) + '\n')
    const file = join(out, `${report.date.replace(/[:.]/g, '-')}-scale.json`)
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
    process.stdout.write(`written ${file}\n`)
  } else {
    const report = await runBench({ quick: values.quick, soak: values.soak, workers: values.workers === undefined ? undefined : Number(values.workers) })
    process.stdout.write('\n' + table(report) + '\n')
    const file = join(out, `${report.date.replace(/[:.]/g, '-')}${values.quick === true ? '-quick' : values.soak === true ? '-soak' : ''}.json`)
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
    process.stdout.write(`written ${file}\n`)
    const failures = report.summary.reduce((sum, row) => sum + row.non2xx, 0)
    if (failures > 0) {
      process.stderr.write(`${failures} answers were not 2xx\n`)
      process.exitCode = 1
    }
  }
}
