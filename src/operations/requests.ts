// Verification queries (docs/coverage.md): which answered requests match a filter, and how many, read from the
// journal of the world a namespace names. One validation for every front door: each bad filter value is a
// refusal naming the filter.
import { parseInstant } from '../domain/clock.js'
import { namespaceNameProblem } from '../domain/namespace.js'
import { badInput, done, refused, type Outcome } from '../domain/refusal.js'
import type { JournalEntry } from '../stores/journal.js'
import type { World } from '../world.js'

export type { JournalEntry }

export interface RequestFilter {
  /** An operationId of the contract. */
  operation?: string | undefined
  /** Any case: get, GET. */
  method?: string | undefined
  /** The path as journaled (no query string); each * stands for any run of characters, / included. */
  path?: string | undefined
  /** A status (404) or a class of them (4xx). */
  status?: number | string | undefined
  /** A key id or a user id. */
  caller?: string | undefined
  /** Requests answered at this instant or later: an ISO 8601 instant with a zone, or a Date. */
  since?: string | Date | undefined
  /** The namespace whose journal to read; default: the asker's own. */
  namespace?: string | undefined
}

export const FILTERS = ['operation', 'method', 'path', 'status', 'caller', 'since', 'namespace'] as const

/** Where a query is asked from: its own world and that world's namespace name, and the other open namespaces. */
export interface Home { world: World, namespace: string, lookup: (namespace: string) => World | undefined }

/**
 * The world a query reads: the asker's own, or the open one `namespace` names. A query never opens a namespace, and
 * one that is not open is refused: a misspelt name would otherwise read as a namespace that answered nothing.
 * Every verification and coverage query resolves its world here and nowhere else.
 */
export function readWorld (home: Home, namespace: string | undefined): Outcome<World> {
  if (namespace === undefined || namespace === home.namespace) return done(home.world)
  if (namespaceNameProblem(namespace) !== undefined) return bad('namespace', 'be 1 to 64 of A-Z a-z 0-9 _ . -', namespace)
  const world = home.lookup(namespace)
  return world === undefined ? bad('namespace', 'name an open namespace: one opens at its first request with X-Mock-Namespace, and GET /__admin/namespaces lists them', namespace) : done(world)
}

const STATUS = /^[1-5](\d\d|xx)$/i

const bad = (field: string, must: string, got: unknown): Outcome<never> =>
  refused(badInput(`filter:${field}`, field, `must ${must} (got ${JSON.stringify(got)})`))

/** A * pattern as an anchored expression: everything else literal. */
function wildcard (pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's')
}

type Match = (entry: JournalEntry) => boolean

/** The filter as one test of an entry, or the refusal of its first bad value. */
export function requestMatcher (filter: RequestFilter, operations: readonly string[]): Outcome<Match> {
  // A misspelt filter would otherwise match everything, and a count would pass for the wrong reason.
  const unknown = Object.keys(filter).find(name => !(FILTERS as readonly string[]).includes(name))
  if (unknown !== undefined) return refused(badInput('filter', undefined, `Unknown filter ${JSON.stringify(unknown)} (known: ${FILTERS.join(', ')})`))
  const tests: Match[] = []
  // The namespace is checked where it is resolved, in readWorld, for these queries and the coverage report alike.
  const { operation, method, path, status, caller, since } = filter
  if (operation !== undefined) {
    if (!operations.includes(operation)) return bad('operation', `be an operationId of the contract: ${operations.join(', ')}`, operation)
    tests.push(entry => entry.operation === operation)
  }
  if (method !== undefined) {
    if (!/^[A-Za-z]+$/.test(method)) return bad('method', 'be an HTTP method such as GET or PATCH', method)
    const upper = method.toUpperCase()
    tests.push(entry => entry.method === upper)
  }
  if (path !== undefined) {
    if (path === '') return bad('path', 'not be empty', path)
    const pattern = wildcard(path)
    tests.push(entry => pattern.test(entry.path))
  }
  if (status !== undefined) {
    const text = String(status)
    if (!STATUS.test(text)) return bad('status', 'be a status such as 404 or a class such as 4xx', status)
    const exact = /\d\d$/.test(text) ? Number(text) : undefined
    const hundreds = Number(text[0]) * 100
    // A dropped request (status null) matches no status filter.
    tests.push(exact === undefined ? entry => entry.status !== null && entry.status >= hundreds && entry.status < hundreds + 100 : entry => entry.status === exact)
  }
  if (caller !== undefined) {
    if (caller === '') return bad('caller', 'be a key id or a user id', caller)
    tests.push(entry => entry.caller !== null && (entry.caller.kind === 'key' ? entry.caller.key_id : entry.caller.user_id) === caller)
  }
  if (since !== undefined) {
    const ms = since instanceof Date ? since.getTime() : parseInstant(since) ?? NaN
    if (Number.isNaN(ms)) return bad('since', 'be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z', since instanceof Date ? 'Invalid Date' : since)
    tests.push(entry => Date.parse(entry.time) >= ms)
  }
  return done(entry => tests.every(test => test(entry)))
}

/** The journaled requests that match, oldest first. */
export function findRequests (home: Home, filter: RequestFilter, operations: readonly string[]): Outcome<JournalEntry[]> {
  const match = requestMatcher(filter, operations)
  if (!match.ok) return match
  const world = readWorld(home, filter.namespace)
  return world.ok ? done(world.value.journal.entries(match.value)) : world
}

/** How many journaled requests match. */
export function countRequests (home: Home, filter: RequestFilter, operations: readonly string[]): Outcome<number> {
  const match = requestMatcher(filter, operations)
  if (!match.ok) return match
  const world = readWorld(home, filter.namespace)
  return world.ok ? done(world.value.journal.count(match.value)) : world
}
