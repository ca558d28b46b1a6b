// Contract coverage (docs/coverage.md): the cases the contract gives each operation (every listed status, and for
// 400, 401 and 404 every rule that can answer it) against what the world's requests exercised. The operations and
// their statuses and bodies come from the contract, given by the front door; the rule names are the server's own.
import { DEFAULT_NAMESPACE } from '../domain/namespace.js'
import { KEY_FIELD_NAMES } from '../domain/rules.js'
import { badInput, done, refused, type Outcome } from '../domain/refusal.js'
import type { CoverageCount } from '../stores/coverage.js'
import type { World } from '../world.js'
import { readWorld, type Home } from './requests.js'

/** An operation as the contract states it. */
export interface ContractOperation {
  /** Its operationId. */
  id: string
  method: string
  /** As the contract writes it: /project/{id}/key */
  path: string
  /** Every status its responses list. */
  statuses: number[]
  /** The JSON schema of its request body, if it takes one. */
  body: BodySchema | undefined
}

export interface BodySchema {
  properties?: Record<string, object>
  required?: string[]
  additionalProperties?: unknown
  [keyword: string]: unknown
}

/** Refusals of a body, before its schema (src/plugins/json-body.ts, src/plugins/errors.ts), in DESIGN section 3's order. */
export const BODY_RULES = ['content-type', 'json', 'empty-body', 'body-too-large', 'forbidden-key', 'not-an-object'] as const
/** The refusal of an operation that takes no body, when it is sent one. */
export const NO_BODY_RULE = 'no-body'
/** A GET's body is never read (src/plugins/json-body.ts): its one 400 is to an Expect other than 100-continue. */
export const GET_RULE = 'expect'
/** The body rules a schema cannot say (src/domain/rules.ts), each named by the property it checks. */
export const FIELD_RULES: readonly string[] = KEY_FIELD_NAMES
/** Every 401: no credential, one that is not live, one that may not manage the project. */
export const CREDENTIAL_RULES = ['missing-credentials', 'unknown-credential', 'insufficient-scope'] as const
/** Every 404 of an operation: whatever is missing or not the caller's. */
export const VISIBILITY_RULES = ['not-visible'] as const
/** Schema keywords a request body can fail, each a rule "schema:<keyword>" when the body's schema uses it. */
const SCHEMA_KEYWORDS = ['additionalProperties', 'required', 'minProperties', 'maxProperties', 'type', 'enum', 'const',
  'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems']

/**
 * Every schema keyword used in a schema, its properties and items, in SCHEMA_KEYWORDS order; but those of a field
 * with a rule of its own (label, roles): a value that breaks them breaks that rule, and is counted under its name.
 */
function keywordsOf (schema: BodySchema): string[] {
  const used = new Set<string>()
  const pending: unknown[] = [{ ...schema, properties: Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([name]) => !(FIELD_RULES as readonly string[]).includes(name))) }]
  while (pending.length > 0) {
    const node = pending.pop() as BodySchema
    for (const keyword of SCHEMA_KEYWORDS) {
      // additionalProperties: true and required: [] refuse nothing.
      if (keyword in node && node[keyword] !== true && !(Array.isArray(node[keyword]) && (node[keyword] as unknown[]).length === 0)) used.add(keyword)
    }
    pending.push(...Object.values(node.properties ?? {}))
    if (typeof node.items === 'object' && node.items !== null) pending.push(node.items)
  }
  return SCHEMA_KEYWORDS.filter(keyword => used.has(keyword))
}

/** The rules that can answer one status of an operation; empty for a status that is not a refusal. */
export function rulesFor (operation: ContractOperation, status: number): string[] {
  switch (status) {
    case 400: {
      if (operation.body === undefined) return [operation.method === 'GET' ? GET_RULE : NO_BODY_RULE]
      const fields = Object.keys(operation.body.properties ?? {})
      return [...BODY_RULES, ...keywordsOf(operation.body).map(keyword => `schema:${keyword}`), ...FIELD_RULES.filter(rule => fields.includes(rule))]
    }
    case 401: return [...CREDENTIAL_RULES]
    case 404: return [...VISIBILITY_RULES]
    default: return []
  }
}

export interface CoverageReport {
  /** The namespace it reads; several, comma-separated, when it sums theirs (as ?namespace= takes them). */
  namespace: string
  /** When counting began: the server's start, the last reset or the last DELETE /__admin/coverage; the earliest of several. */
  since: string
  /** Cases: each status that is not a refusal, and each rule of each refusal status. */
  total: number
  covered: number
  /** covered / total, in percent, one decimal. */
  percent: number
  operations: Array<{
    operation: string
    method: string
    path: string
    statuses: Array<{ status: number, count: number, rules: Array<{ rule: string, count: number }> }>
  }>
  /** The cases never exercised: operation:status, or operation:status:rule. */
  missing: string[]
  /** Answers of an operation that are no case of it (a 500, a status it does not list, a rule its cases lack). */
  other: CoverageCount[]
}

/** The world's counts measured against the contract's cases. */
export function coverageReport (world: World, namespace: string, operations: readonly ContractOperation[]): CoverageReport {
  return combinedReport([{ name: namespace, world }], operations)
}

/** The counts of several worlds, summed, against the contract's cases: named by their names, comma-separated. */
function combinedReport (worlds: ReadonlyArray<{ name: string, world: World }>, operations: readonly ContractOperation[]): CoverageReport {
  const summed = new Map<string, CoverageCount>()
  for (const { world } of worlds) {
    for (const c of world.coverage.counts()) {
      const id = `${c.operation} ${c.status} ${c.rule ?? ''}`
      const known = summed.get(id)
      summed.set(id, known === undefined ? { ...c } : { ...known, count: known.count + c.count })
    }
  }
  const counts = [...summed.values()]
  const key = (operation: string, status: number, rule: string | null): string => `${operation} ${status} ${rule ?? ''}`
  const byCase = new Map(counts.map(c => [key(c.operation, c.status, c.rule), c.count]))
  const statusCount = (operation: string, status: number): number =>
    counts.reduce((sum, c) => c.operation === operation && c.status === status ? sum + c.count : sum, 0)
  const expected = new Set<string>()
  const missing: string[] = []
  let total = 0
  const report = operations.map(operation => ({
    operation: operation.id,
    method: operation.method,
    path: operation.path,
    statuses: operation.statuses.map(status => {
      const count = statusCount(operation.id, status)
      const rules = rulesFor(operation, status).map(rule => {
        expected.add(key(operation.id, status, rule))
        return { rule, count: byCase.get(key(operation.id, status, rule)) ?? 0 }
      })
      if (rules.length === 0) {
        expected.add(key(operation.id, status, null))
        total++
        if (count === 0) missing.push(`${operation.id}:${status}`)
      }
      for (const rule of rules) {
        total++
        if (rule.count === 0) missing.push(`${operation.id}:${status}:${rule.rule}`)
      }
      return { status, count, rules }
    })
  }))
  const covered = total - missing.length
  return {
    namespace: worlds.map(w => w.name).join(','),
    // ISO instants of one format sort as text.
    since: worlds.map(w => w.world.coverage.since()).sort()[0]!,
    total,
    covered,
    percent: total === 0 ? 100 : Math.floor((covered / total) * 1000) / 10,
    operations: report,
    missing,
    other: counts.filter(c => !expected.has(key(c.operation, c.status, c.rule)))
  }
}

/** Counting starts again. */
export function clearCoverage (world: World): void {
  world.coverage.clear(new Date().toISOString())
}

/** What ?namespace= (and --all-namespaces) names for the report over every open namespace. */
export const ALL_NAMESPACES = '*'

/**
 * The report of the namespaces `namespaces` names: none, the asker's own; one name, or several comma-separated
 * (summed); or * for every open namespace, the default one first, then by name. Each must be open: a query never opens one.
 */
export function coverageOf (home: Home, namespaces: string | undefined, open: () => Array<{ name: string, world: World }>, operations: readonly ContractOperation[]): Outcome<CoverageReport> {
  if (namespaces === undefined) return done(coverageReport(home.world, home.namespace, operations))
  if (namespaces === ALL_NAMESPACES) {
    // By name, whichever suite opened its namespace first: the same suites name the same report.
    const all = open().sort((a, b) => a.name === DEFAULT_NAMESPACE ? -1 : b.name === DEFAULT_NAMESPACE ? 1 : a.name < b.name ? -1 : 1)
    return done(combinedReport(all, operations))
  }
  const names = [...new Set(namespaces.split(','))]
  if (names.includes(ALL_NAMESPACES)) {
    return refused(badInput('filter:namespace', 'namespace', `must be ${ALL_NAMESPACES} alone (every open namespace) or names of open namespaces (got ${JSON.stringify(namespaces)})`))
  }
  const worlds: Array<{ name: string, world: World }> = []
  for (const name of names) {
    const world = readWorld(home, name)
    if (!world.ok) return world
    worlds.push({ name, world: world.value })
  }
  return done(combinedReport(worlds, operations))
}
