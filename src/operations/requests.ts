// Verification queries (docs/coverage.md): which answered requests match a filter, and how many, read from the
// journal of the world a namespace names. One validation for every front door: each bad filter value is a
// refusal naming the filter.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { globMatcher } from '../domain/glob.js'
import { parseInstant } from '../domain/clock.js'
import { namespaceNameProblem } from '../domain/namespace.js'
import { badInput, done, refused, type Outcome } from '../domain/refusal.js'
import { entryOf, type JournalEntry, type KeptEntry } from '../stores/journal.js'
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
  return world === undefined ? bad('namespace', 'name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them', namespace) : done(world)
}

const STATUS = /^[1-5](\d\d|xx)$/i

const bad = (field: string, must: string, got: unknown): Outcome<never> =>
  refused(badInput(`filter:${field}`, field, `must ${must} (got ${JSON.stringify(got)})`))

/** The longest path filter: a glob's cost grows with its length, and no path of the contract comes near. */
export const MAX_PATH_FILTER = 1024

type Match = (entry: KeptEntry) => boolean

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
    if (path.length > MAX_PATH_FILTER) return bad('path', `be at most ${MAX_PATH_FILTER} characters`, `${path.slice(0, 40)}...`)
    const matches = globMatcher(path)
    tests.push(entry => matches(entry.path))
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

/** The journaled requests that match, oldest first: all of them, for in-process callers. */
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
  return world.ok ? done(world.value.journal.snapshot().filter(match.value).length) : world
}

/**
 * One answer of GET /__admin/requests: at most `limit` entries and about `bytes` of JSON (docs/coverage.md). A page of
 * 1 MiB of hostile 15 KiB paths held the event loop about 50 ms while it was serialised and written; 512 KiB holds
 * 1,000 ordinary entries (about 250 bytes each), the journal's default, in one answer.
 */
export const PAGE = { limit: 1000, maxLimit: 10_000, bytes: 512 * 1024 } as const
/** An entry's JSON, roughly: its strings and about 200 bytes of names, time, status and caller. */
const jsonBytes = (kept: KeptEntry): number => kept.path.length + kept.request_id.length + (kept.bodyText?.length ?? 0) + 200
/** Entries tested, at most, between two turns of the event loop, and milliseconds spent: a query never holds the server for long. */
const SLICE = 1024
const SLICE_MS = 2

export interface Paging { limit?: string | number | undefined, after?: string | undefined }
export interface Page { requests: JournalEntry[], next?: string }

/** Calls `visit` on each entry from `from` on, letting the event loop turn every SLICE entries; stops when it returns false. */
async function scan (entries: KeptEntry[], from: number, visit: (entry: KeptEntry) => boolean): Promise<void> {
  let slice = performance.now()
  for (let i = from; i < entries.length; i++) {
    const done = i - from
    if (done > 0 && (done % SLICE === 0 || (done % 64 === 0 && performance.now() - slice > SLICE_MS))) {
      await nextTurn()
      slice = performance.now()
    }
    if (!visit(entries[i]!)) return
  }
}

/** The first entry after the cursor `after` (an entry's seq), by bisection: seqs grow along the journal. */
function firstAfter (entries: KeptEntry[], after: number): number {
  let low = 0
  let high = entries.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (entries[mid]!.seq <= after) low = mid + 1
    else high = mid
  }
  return low
}

const WHOLE = /^\d{1,15}$/

/** The journaled requests that match, oldest first, one bounded page at a time; `next` is the cursor of the next page. */
export async function findRequestsPage (home: Home, filter: RequestFilter, paging: Paging, operations: readonly string[]): Promise<Outcome<Page>> {
  const limit = paging.limit === undefined ? PAGE.limit : Number(WHOLE.test(String(paging.limit)) ? paging.limit : NaN)
  if (!(limit >= 1 && limit <= PAGE.maxLimit)) return bad('limit', `be a whole number from 1 to ${PAGE.maxLimit}`, paging.limit)
  if (paging.after !== undefined && !WHOLE.test(paging.after)) return bad('after', 'be the "next" of an earlier answer', paging.after)
  const match = requestMatcher(filter, operations)
  if (!match.ok) return match
  const world = readWorld(home, filter.namespace)
  if (!world.ok) return world
  const entries = world.value.journal.snapshot()
  const requests: JournalEntry[] = []
  let bytes = 0
  let last: number | undefined
  let more = false
  const start = paging.after === undefined ? 0 : firstAfter(entries, Number(paging.after))
  await scan(entries, start, kept => {
    if (requests.length >= limit || bytes >= PAGE.bytes) {
      more = true
      return false
    }
    if (match.value(kept)) {
      requests.push(entryOf(kept))
      bytes += jsonBytes(kept)
      last = kept.seq
    }
    return true
  })
  return done(more && last !== undefined ? { requests, next: String(last) } : { requests })
}

/** How many journaled requests match, the event loop turning as it counts. */
export async function countRequestsSliced (home: Home, filter: RequestFilter, operations: readonly string[]): Promise<Outcome<number>> {
  const match = requestMatcher(filter, operations)
  if (!match.ok) return match
  const world = readWorld(home, filter.namespace)
  if (!world.ok) return world
  let count = 0
  await scan(world.value.journal.snapshot(), 0, kept => {
    if (match.value(kept)) count++
    return true
  })
  return done(count)
}
