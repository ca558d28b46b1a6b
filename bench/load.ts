// One load of the benchmark: autocannon PATCHes over random keys of the bench's projects, measured.
import autocannon from 'autocannon'
import type { Started } from './processes.js'
import type { BenchProject } from './setup.js'

// The scenarios the summary, the ratios and the goals name.
export const CEILING = 'bare fastify (ceiling)'
export const MINIMAL = 'minimal durable PATCH'
/** The minimal durable PATCH's route without its write (NO_WRITE): what remains of a PATCH on this stack with no SQLite. */
export const NO_WRITE = 'minimal PATCH, no write'
/** The scenario of the goals: API key, half the bodies with roles. */
export const GOAL = 'PATCH, API key, roles in half'
export const MEMORY = 'PATCH, API key, roles in half, :memory:'
export const BASELINE = 'baseline: PATCH, API key, roles in half'
/** This build as the baseline runs: a server of its own, seeded by its own CLI from the same fixture, serving this scenario alone. */
export const PAIRED = 'this build beside the baseline: PATCH, API key, roles in half'

/** cpuUs: microseconds of the server process's CPU (all its threads) per request, where /proc shows it (bench/cpu.ts). */
export interface Measured { scenario: string, connections: number, rps: number, p50: number, p99: number, non2xx: number, requests: number, cpuUs?: number | undefined }
export type Scenario = { name: string, target: () => Started | undefined, request: (req: Record<string, unknown>) => Record<string, unknown> }

export const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!
export const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 }
export const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN

/** One autocannon run, for `seconds` or for `amount` requests; latencies come from every response's own time, not the 1 ms histogram. */
export async function load (url: string, connections: number, seconds: number, request: Scenario['request'], name: string, amount?: number): Promise<Measured> {
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

export interface PatchOptions {
  /** Every other PATCH also sets roles (that keep an admin key admin), which changes what a secret means. */
  roles?: boolean
  /** Sent as X-Mock-Namespace. */
  namespace?: string
}

export function patch (projects: BenchProject[], auth: (p: BenchProject) => string, options: PatchOptions = {}) {
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
