// A drift run (docs/drift.md): the script of steps.ts against the target and against a fresh mock world seeded
// with the same project id and admin key, compared per step; every key created on the target is deleted again,
// also when a step fails or the run is interrupted. Nothing is sent anywhere but the target and the local mock.
import { randomBytes } from 'node:crypto'
import { startMockServer } from '../mock-server.js'
import { compare, type Finding } from './compare.js'
import { send, type Answer } from './http.js'
import { isMock } from './mirror.js'
import { createdLabel, NO_KEY, script, type Side } from './steps.js'

export interface DriftOptions {
  /** The service to compare with, e.g. https://api.basic.tech: every request of the run goes there and to the local mock only. */
  target: string
  /** A project of the target the token administers. */
  project: string
  /** An API key of that project with the role admin (basic_key_…); it never appears in the report. */
  token: string
  /** Bounds each request, in ms; default 10,000. */
  timeout?: number
  /** A PEM CA certificate to trust for an https target (NODE_EXTRA_CA_CERTS is trusted too). */
  ca?: string | Buffer
  /** Finding ids (as the report names them) that do not count as drift. */
  accept?: readonly string[]
  /** Ends the run after the step in flight; the keys it created are still deleted. */
  signal?: AbortSignal
}

export interface StepResult {
  step: string
  request: string
  target: string
  mock: string
  findings: number
}

export interface DriftReport {
  target: string
  project: string
  startedAt: string
  /** True when no finding is left after the accepted ones and the cleanup deleted what it created. */
  ok: boolean
  steps: StepResult[]
  findings: Finding[]
  accepted: Finding[]
  /** Lines of the --accept list that matched nothing: the service changed, or the list is stale. */
  unusedAccepts: string[]
  cleanup: string[]
  interrupted: boolean
}

export class DriftError extends Error {}

const SECRET_SHAPE = /^basic_key_[A-Za-z0-9._~+/-]{20,}$/

/** The target's origin and path as a URL, refused before anything is sent when it is not one. */
export function targetUrl (target: string): URL {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw new DriftError(`--target must be the service's http(s) address, e.g. https://api.basic.tech (got ${JSON.stringify(target)})`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DriftError(`--target must be http or https (got ${JSON.stringify(url.protocol)})`)
  if (url.username !== '' || url.password !== '') throw new DriftError('--target must not hold credentials (user:password@): the run sends only --token')
  if (url.search !== '' || url.hash !== '') throw new DriftError('--target must have no query or fragment')
  return url
}

const described = (answer: Answer): string => answer.ok ? `${answer.status} (${answer.ms} ms)` : `${answer.failure}: ${answer.message}`

/** Runs the script against both sides; throws a DriftError only for bad options or a target that is a mock. */
export async function drift (options: DriftOptions): Promise<DriftReport> {
  const base = targetUrl(options.target)
  if (typeof options.project !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(options.project)) throw new DriftError(`--project must be a project id, 1 to 128 of A-Z a-z 0-9 _ - (got ${JSON.stringify(options.project)})`)
  if (typeof options.token !== 'string' || !SECRET_SHAPE.test(options.token)) throw new DriftError('--token must be an admin API key of the project (basic_key_ and at least 20 characters): the mock world is seeded with the same value')
  const timeoutMs = options.timeout ?? 10_000
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw new DriftError(`--timeout must be 1 to 600000 ms (got ${JSON.stringify(options.timeout)})`)
  if (await isMock(base, timeoutMs, options.ca)) throw new DriftError(`the target ${base.origin} is a basic-admin-mock server (its /openapi.json is the mock's served contract): comparing the mock with itself proves nothing; give the real service's address`)

  const runId = randomBytes(4).toString('hex')
  const mock = await startMockServer({ fixture: { projects: [{ id: options.project, name: 'drift', keys: [{ id: 'key_drift_admin', label: 'drift admin key', roles: 'admin', value: options.token }] }] } })
  const mockBase = new URL(mock.url)
  const sides = { target: { keyId: NO_KEY, secret: '' } as Side, mock: { keyId: NO_KEY, secret: '' } as Side }
  const created = new Set<string>()
  const report: DriftReport = { target: base.origin + base.pathname.replace(/\/+$/, ''), project: options.project, startedAt: new Date().toISOString(), ok: false, steps: [], findings: [], accepted: [], unusedAccepts: [], cleanup: [], interrupted: false }
  const accept = new Set(options.accept ?? [])
  const used = new Set<string>()
  // The create went out but its answer did not come back: the key may exist, found again by its label at cleanup.
  let createLost = false
  try {
    for (const step of script(runId)) {
      if (options.signal?.aborted === true) {
        report.interrupted = true
        break
      }
      const onTarget = await send(base, step.build(options.project, options.token, sides.target), { timeoutMs, ca: options.ca, signal: options.signal })
      if (step.name === 'create-key' && !onTarget.ok) createLost = true
      const onMock = await send(mockBase, step.build(options.project, options.token, sides.mock), { timeoutMs })
      for (const [answer, side, name] of [[onTarget, sides.target, 'target'], [onMock, sides.mock, 'mock']] as const) {
        if (!answer.ok || answer.status < 200 || answer.status > 299) continue
        let body: unknown
        try { body = JSON.parse(answer.text) } catch { continue }
        step.capture?.(body, side)
        if (name === 'target' && step.name === 'create-key' && side.keyId !== NO_KEY) created.add(side.keyId)
        if (name === 'target' && step.deletes === true) created.delete(side.keyId)
      }
      const ids = { target: { key: sides.target.keyId }, mock: { key: sides.mock.keyId } }
      const findings = compare(step.name, step.shown, onTarget, onMock, ids)
      for (const finding of findings) {
        if (accept.has(finding.id)) {
          used.add(finding.id)
          report.accepted.push(finding)
        } else report.findings.push(finding)
      }
      report.steps.push({ step: step.name, request: step.shown, target: described(onTarget), mock: described(onMock), findings: findings.length })
    }
  } finally {
    if (options.signal?.aborted === true) report.interrupted = true
    // Its own timeout, never the run's signal: an interrupted run still deletes what it created.
    if (createLost) for (const id of await keysLabelled(base, options, createdLabel(runId), timeoutMs)) created.add(id)
    for (const id of created) {
      const answer = await send(base, { method: 'DELETE', path: `/project/${encodeURIComponent(options.project)}/key/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${options.token}` } }, { timeoutMs, ca: options.ca })
      report.cleanup.push(answer.ok && (answer.status === 200 || answer.status === 404) ? `deleted key ${id} (${answer.status})` : `could not delete key ${id}: ${described(answer)}; delete it by hand`)
      if (answer.ok && (answer.status === 200 || answer.status === 404)) created.delete(id)
    }
    await mock.close()
  }
  report.unusedAccepts = [...accept].filter(id => !used.has(id))
  report.ok = report.findings.length === 0 && created.size === 0 && !report.interrupted
  return scrubbed(report, options.token)
}

/** The ids of the target's keys with this label (none when the list cannot be read). */
async function keysLabelled (base: URL, options: DriftOptions, label: string, timeoutMs: number): Promise<string[]> {
  const answer = await send(base, { method: 'GET', path: `/project/${encodeURIComponent(options.project)}/key`, headers: { authorization: `Bearer ${options.token}` } }, { timeoutMs, ca: options.ca })
  if (!answer.ok || answer.status !== 200) return []
  try {
    const { data } = JSON.parse(answer.text) as { data?: Array<{ id?: unknown, label?: unknown }> }
    return (data ?? []).filter(key => key.label === label && typeof key.id === 'string').map(key => key.id as string)
  } catch {
    return []
  }
}

/** The report with the token replaced wherever it could have slipped in (an echoing service's answer). */
function scrubbed (report: DriftReport, token: string): DriftReport {
  return JSON.parse(JSON.stringify(report).split(token).join('[redacted]')) as DriftReport
}
