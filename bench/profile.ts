// npm run bench -- --profile: the server under `node --cpu-prof`, pinned, under a fixed load (API key, roles in half
// the bodies), its samples of the measured window summed by stage. A function's self time counts for the stage of
// the file it is in; a native call (a SQLite statement, a hash, a write) has no file and counts for its JS caller's.
// The control plane is on (ADMIN_TOKEN), so the journal and the coverage counting run as they do under a test suite.
// Samples every 250 us (V8's default is 1 ms), so that a stage of a few us per request is seen.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packageRoot } from '../src/paths.js'
import { GOAL, load, patch } from './load.js'
import { pinned, serverPrefix } from './pinning.js'
import { start } from './processes.js'
import { BENCH_SECRET, createBenchDatabase } from './setup.js'

// Not the command's bundle (dist/src/cli.js), whose chunks mix every file: the stages are told apart by file.
const SERVE = join(packageRoot, 'bench', 'serve-unbundled.mjs')

/** The stages of issue 29, by the file (under dist/src/, or a package) their code is in. */
export const STAGE_OF_FILE: Record<string, string> = {
  'http/log.js': 'log line',
  'pkg:pino': 'log line',
  'pkg:sonic-boom': 'log line',
  'pkg:pino-std-serializers': 'log line',
  'plugins/journal.js': 'journal + redaction',
  'stores/journal.js': 'journal + redaction',
  'domain/redact.js': 'journal + redaction',
  'operations/control-plane.js': 'journal + redaction',
  'plugins/coverage.js': 'coverage counting',
  'stores/coverage.js': 'coverage counting',
  'operations/coverage.js': 'coverage counting',
  'plugins/request-order.js': 'request ordering',
  'stores/key-memory.js': 'key memory',
  'domain/remembered.js': 'key memory',
  'stores/keys.js': 'the UPDATE and last_used',
  'db/unit-of-work.js': 'the commit (group commit: BEGIN, savepoints, COMMIT)',
  'pkg:better-sqlite3': 'the commit (group commit: BEGIN, savepoints, COMMIT)',
  'http/authenticate.js': 'authentication and access',
  'operations/authenticate.js': 'authentication and access',
  'operations/access.js': 'authentication and access',
  'domain/credential.js': 'authentication and access',
  'domain/api-key.js': 'authentication and access',
  'domain/jwt.js': 'authentication and access',
  'pkg:fast-jwt': 'authentication and access'
}
const STAGE_ORDER = [
  'log line', 'journal + redaction', 'coverage counting', 'request ordering', 'key memory', 'the UPDATE and last_used',
  'the commit (group commit: BEGIN, savepoints, COMMIT)', 'authentication and access', 'other server code (dist/src)',
  'fastify and its packages (routing, hooks, parsing, validation, serialization)', 'other packages', 'node (http, net, streams, timers)',
  'garbage collector', 'V8 and native, unattributed ((program))'
]
const FASTIFY = new Set(['fastify', 'find-my-way', 'avvio', 'light-my-request', 'fast-json-stringify', 'ajv', 'secure-json-parse', 'fast-querystring', 'fast-uri', 'toad-cache', 'rfdc', 'process-warning', 'abstract-logging', 'json-schema-ref-resolver', 'fast-decode-uri-component', '@fastify/error', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', '@fastify/merge-json-schemas', '@fastify/forwarded', '@fastify/proxy-addr', 'fastify-plugin'])

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples: number[], timeDeltas: number[] }

/** What a frame's url names: a file of dist/src, a package, node's own code, or nothing (native). */
export function fileOf (url: string): string | undefined {
  if (url === '') return undefined
  if (url.startsWith('node:')) return 'node:'
  const src = /\/dist\/src\/(.+)$/.exec(url)
  if (src !== null) return src[1]!
  const pkg = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  return pkg === null ? url : `pkg:${pkg[1]!}`
}

export function stageOf (file: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collector'
  if (functionName === '(program)') return 'V8 and native, unattributed ((program))'
  const mapped = STAGE_OF_FILE[file]
  if (mapped !== undefined) return mapped
  if (file === 'node:') return 'node (http, net, streams, timers)'
  if (file.startsWith('pkg:')) return FASTIFY.has(file.slice(4)) ? 'fastify and its packages (routing, hooks, parsing, validation, serialization)' : 'other packages'
  return file.includes('/') && !file.startsWith('/') && !file.includes(':') ? 'other server code (dist/src)' : 'other packages'
}

export interface ProfileReport {
  connections: number
  seconds: number
  requests: number
  /** Whether the samples were cut to the measured load's window (else the whole life of the process, start included). */
  windowed: boolean
  stages: Array<{ stage: string, ms: number, share: number, usPerRequest: number }>
  /** The busiest functions: self time (natives included) with their file and stage. */
  top: Array<{ fn: string, file: string, stage: string, ms: number }>
}

/** Sums a .cpuprofile's samples between `from` and `to` (µs, the profile's monotonic clock) by stage. */
export function sumByStage (profile: CpuProfile, requests: number, window?: { from: number, to: number }): Omit<ProfileReport, 'connections' | 'seconds'> {
  const byId = new Map(profile.nodes.map(node => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const up = (node: ProfileNode): ProfileNode | undefined => parent.has(node.id) ? byId.get(parent.get(node.id)!) : undefined
  const native = (node: ProfileNode): boolean => node.callFrame.url === '' && !node.callFrame.functionName.startsWith('(')
  // A native frame (no url, no "(...)" name) counts for its nearest caller that has a file; node's own code counts
  // for the nearest caller outside it when that caller is in one of the stages (the log line's write to stdout).
  const owner = (id: number): ProfileNode => {
    let node = byId.get(id)!
    while (native(node) && up(node) !== undefined) node = up(node)!
    if (fileOf(node.callFrame.url) !== 'node:') return node
    let caller = up(node)
    while (caller !== undefined && (native(caller) || fileOf(caller.callFrame.url) === 'node:')) caller = up(caller)
    return caller !== undefined && STAGE_OF_FILE[fileOf(caller.callFrame.url) ?? ''] !== undefined ? caller : node
  }
  const selfUs = new Map<number, number>()
  let time = profile.startTime
  let inWindow = 0
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i]!
    const delta = profile.timeDeltas[i + 1] ?? 0
    if (window !== undefined && (time < window.from || time > window.to)) continue
    inWindow++
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta)
  }
  if (window !== undefined && inWindow === 0) return sumByStage(profile, requests)
  // Every stage of the issue is listed, also at 0 (a stage that did not run, or too small to be sampled).
  const stages = new Map<string, number>(STAGE_ORDER.slice(0, 8).map(stage => [stage, 0]))
  const functions = new Map<string, { fn: string, file: string, stage: string, us: number }>()
  let busy = 0
  for (const [id, us] of selfUs) {
    const node = owner(id)
    const { functionName, url } = node.callFrame
    if (functionName === '(idle)' || functionName === '(root)') continue
    const file = fileOf(url) ?? functionName
    const stage = stageOf(file, functionName)
    busy += us
    stages.set(stage, (stages.get(stage) ?? 0) + us)
    const key = `${functionName}|${file}|${node.callFrame.lineNumber}`
    const entry = functions.get(key) ?? { fn: functionName === '' ? '(anonymous)' : functionName, file, stage, us: 0 }
    entry.us += us
    functions.set(key, entry)
  }
  return {
    requests,
    windowed: window !== undefined,
    stages: [...stages].map(([stage, us]) => ({ stage, ms: us / 1000, share: us / busy, usPerRequest: us / requests }))
      .sort((a, b) => STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage)),
    top: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, 15).map(({ us, ...rest }) => ({ ...rest, ms: us / 1000 }))
  }
}

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n)

export async function runProfile (options: { seconds?: number, connections?: number, quick?: boolean, pin?: boolean, log?: (line: string) => void } = {}): Promise<ProfileReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'))
  const quick = options.quick === true
  const seconds = options.seconds ?? (quick ? 1 : 10)
  const connections = options.connections ?? 10
  return await pinned(options.pin, log, async pinning => {
    const dir = mkdtempSync(join(tmpdir(), 'basic-admin-profile-'))
    try {
      const database = join(dir, 'bench.db')
      const projects = quick ? createBenchDatabase(database, 10, 10) : createBenchDatabase(database, 100, 100)
      const env = { DATABASE_PATH: database, JWT_SECRET: BENCH_SECRET, ADMIN_TOKEN, HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }
      const server = await start([...serverPrefix(pinning), process.execPath, '--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${dir}`, SERVE], env, '/ready')
      let result
      const window = { from: 0, to: 0 }
      try {
        const request = patch(projects, p => p.adminSecret, { roles: true })
        await load(server.url, connections, 1, request, GOAL, quick ? 100 : undefined)
        window.from = nowUs()
        result = await load(server.url, connections, seconds, request, GOAL, quick ? 300 : undefined)
        window.to = nowUs()
      } finally {
        // The profile is written as the process exits.
        await server.stop()
      }
      if (result.non2xx > 0) throw new Error(`${result.non2xx} answers were not 2xx under the profile`)
      const file = readdirSync(dir).find(name => name.endsWith('.cpuprofile'))
      if (file === undefined) throw new Error(`the server wrote no .cpuprofile into ${dir}`)
      const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
      log(`profiled ${result.requests} PATCHes (${GOAL}) at ${connections} connections, ${result.rps.toFixed(0)} req/s under the profiler`)
      return { connections, seconds, ...sumByStage(profile, result.requests, window) }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
}

export function profileTable (report: ProfileReport): string {
  const lines = ['| stage | ms (self, natives to their caller) | share of busy time | us per PATCH |', '|---|---:|---:|---:|']
  for (const row of report.stages) lines.push(`| ${row.stage} | ${row.ms.toFixed(0)} | ${(row.share * 100).toFixed(1)}% | ${row.usPerRequest.toFixed(1)} |`)
  lines.push('', `${report.requests} PATCHes at ${report.connections} connections; ${report.windowed ? 'samples of the measured load only' : 'samples of the whole process, start and warm-up included'}`, '', '| function | file | stage | ms |', '|---|---|---|---:|')
  for (const row of report.top) lines.push(`| ${row.fn} | ${row.file} | ${row.stage} | ${row.ms.toFixed(1)} |`)
  return lines.join('\n')
}
