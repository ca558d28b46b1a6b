// npm run bench [-- --quick | --soak | --workers]: PATCH against the production build, next to a bare Fastify
// ceiling and Prism's mock, in alternating rounds, on a fresh database of 10,000 keys in 100 projects.
import autocannon from 'autocannon'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { packageRoot } from '../src/paths.js'
import { BENCH_SECRET, createBenchDatabase, type BenchProject } from './setup.js'
import { memoryKb, start, type Started } from './processes.js'

// The package root, also when this file runs compiled (dist-test/, under npm test).
const root = packageRoot
const CLI = join(root, 'dist', 'src', 'cli.js')
const PRISM = join(root, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js')

export interface Measured { scenario: string, connections: number, rps: number, p50: number, p99: number, non2xx: number, requests: number }
export interface Report {
  date: string
  quick: boolean
  rounds: Measured[][]
  summary: Array<Measured & { ratio: number | undefined }>
  peakRssMb: number | undefined
  walMb: number
  startup: { serverMs: number, bareMs: number, ratio: number }
}

const QUICK_REQUESTS = 300

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

function patch (projects: BenchProject[], auth: (p: BenchProject) => string) {
  return (req: Record<string, unknown>): Record<string, unknown> => {
    const project = pick(projects)
    return {
      ...req,
      path: `/project/${project.id}/key/${pick(project.keyIds)}`,
      headers: { authorization: `Bearer ${auth(project)}`, 'content-type': 'application/json' },
      body: `{"label":"bench ${String(req.counter)}"}`
    }
  }
}

const walSize = (database: string): number => existsSync(`${database}-wal`) ? statSync(`${database}-wal`).size / 1024 / 1024 : 0

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
        { name: 'PATCH, HS256 JWT', target: () => server, request: patch(projects, p => p.hs256) },
        { name: 'PATCH, RS256 JWT', target: () => server, request: patch(projects, p => p.rs256) },
        { name: 'prism mock (peer)', target: () => prism, request: patch(projects, p => p.hs256) }
      ]
      if (options.soak === true) return await soak(server, scenarios[1]!, log, database, stopAll)
      const rounds: Measured[][] = []
      const roundCount = quick ? 1 : 3
      const seconds = quick ? 1 : 5
      const connectionSet = quick ? [10] : [10, 100]
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
            log(`round ${round + 1} ${String(connections).padStart(3)} conns  ${scenario.name.padEnd(24)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  non-2xx ${result.non2xx}`)
          }
        }
        rounds.push(measured)
      }
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
      return { date: new Date().toISOString(), quick, rounds, summary: summarise(rounds), peakRssMb, walMb, startup }
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
      ratio: ratios.length === 0 ? undefined : median(ratios)
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
  return { date: new Date().toISOString(), quick: false, rounds: [[result]], summary: [{ ...result, ratio: undefined }], peakRssMb, walMb, startup: { serverMs: NaN, bareMs: NaN, ratio: NaN } }
}

export function table (report: Report): string {
  const lines = ['| scenario | conns | req/s | ratio to ceiling | p50 ms | p99 ms | p99 / ceiling p99 | non-2xx |', '|---|---:|---:|---:|---:|---:|---:|---:|']
  for (const row of report.summary) {
    const ceiling = report.summary.find(m => m.connections === row.connections && m.scenario.startsWith('bare'))
    lines.push(`| ${row.scenario} | ${row.connections} | ${row.rps.toFixed(0)} | ${row.ratio?.toFixed(2) ?? ''} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${ceiling === undefined ? '' : (row.p99 / ceiling.p99).toFixed(2)} | ${row.non2xx} |`)
  }
  lines.push('', `server peak RSS ${report.peakRssMb?.toFixed(1) ?? '?'} MB; -wal after the run ${report.walMb.toFixed(1)} MB; start to /ready ${report.startup.serverMs.toFixed(0)} ms vs bare Fastify ${report.startup.bareMs.toFixed(0)} ms (${report.startup.ratio.toFixed(2)}x)`)
  return lines.join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, soak: { type: 'boolean' }, workers: { type: 'string' } } })
  const report = await runBench({ quick: values.quick, soak: values.soak, workers: values.workers === undefined ? undefined : Number(values.workers) })
  process.stdout.write('\n' + table(report) + '\n')
  const out = join(root, 'bench', 'results')
  mkdirSync(out, { recursive: true })
  const file = join(out, `${report.date.replace(/[:.]/g, '-')}${values.quick === true ? '-quick' : values.soak === true ? '-soak' : ''}.json`)
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(`written ${file}\n`)
  const failures = report.summary.reduce((sum, row) => sum + row.non2xx, 0)
  if (failures > 0) {
    process.stderr.write(`${failures} answers were not 2xx\n`)
    process.exitCode = 1
  }
}
