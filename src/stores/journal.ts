// The most recent answered requests, for a consumer's tests to read back (GET /__admin/requests). Held in memory:
// a restart starts it empty. Entries arrive already blanked (src/domain/redact.ts); this only keeps them, bounded by
// count and by bytes, per namespace and (through a shared budget) for the whole server (docs/guarantees.md).
import type { Principal } from '../domain/credential.js'

export interface JournalEntry {
  time: string
  request_id: string
  /** The contract operation that answered (its operationId), or null for a route the contract does not have. */
  operation: string | null
  method: string
  path: string
  /** null: the connection was dropped without an answer (a fault rule's drop). */
  status: number | null
  caller: { kind: 'user', user_id: string } | { kind: 'key', key_id: string, project_id: string } | null
  body: unknown
  /** The fault rule that answered instead of the server (its id, or "prefer"); null for the server's own answers. */
  fault: string | null
}

/**
 * An entry as kept: its body as JSON text, not as the parsed value. 16 KiB of `{}` parsed (and copied by the
 * redactor) held 366 KiB per request; as text it holds about what was sent. `seq` orders entries for paging.
 */
export interface KeptEntry extends Omit<JournalEntry, 'body'> { seq: number, bodyText: string | null, bytes: number }

/** What one kept entry costs besides its strings: the object, its fields, the ring's slot. */
const ENTRY_OVERHEAD = 256

/** A caller as the journal shows it: by identity, never by credential. */
function journalCaller (principal: Principal | null): JournalEntry['caller'] {
  if (principal === null || principal.kind === 'system') return null
  return principal.kind === 'user' ? { kind: 'user', user_id: principal.userId } : { kind: 'key', key_id: principal.keyId, project_id: principal.projectId }
}

/** A kept entry as readers see it: the body parsed back from its text. */
export function entryOf (kept: KeptEntry): JournalEntry {
  return {
    time: kept.time,
    request_id: kept.request_id,
    operation: kept.operation,
    method: kept.method,
    path: kept.path,
    status: kept.status,
    caller: kept.caller,
    body: kept.bodyText === null ? null : JSON.parse(kept.bodyText),
    fault: kept.fault
  }
}

interface Evictable { bytes: () => number, evictOldest: () => void }

/**
 * The bytes every journal of a server may keep together (JOURNAL_TOTAL_BYTES). Past it, the journal that keeps the
 * most gives up its oldest entries first: a flood into one namespace mostly pushes out its own.
 */
export function createJournalBudget (limit: number) {
  const journals = new Set<Evictable>()
  let total = 0
  return {
    limit,
    used: (): number => total,
    join (journal: Evictable): void { journals.add(journal) },
    leave (journal: Evictable): void { journals.delete(journal) },
    charge (bytes: number): void {
      total += bytes
      // Each eviction gives its bytes back through charge(-bytes), so total falls as the loop goes.
      for (;;) {
        if (total <= limit) return
        let largest: Evictable | undefined
        for (const journal of journals) if (largest === undefined || journal.bytes() > largest.bytes()) largest = journal
        if (largest === undefined || largest.bytes() === 0) return
        largest.evictOldest()
      }
    }
  }
}

export type JournalBudget = ReturnType<typeof createJournalBudget>

export interface JournalLimits {
  /** Entries kept at most (JOURNAL_SIZE). */
  size: number
  /** Bytes kept at most by this journal (JOURNAL_BYTES); default: no bound but the count. */
  bytes?: number
  /** The server's budget shared by every journal (JOURNAL_TOTAL_BYTES). */
  budget?: JournalBudget
}

/** The most recent requests, oldest first, in a ring of at most `size` entries and `bytes` bytes. */
export function createJournal (limits: number | JournalLimits) {
  const { size, bytes: byteLimit = Number.POSITIVE_INFINITY, budget } = typeof limits === 'number' ? { size: limits } : limits
  const ring: Array<KeptEntry | undefined> = new Array(size)
  let next = 0
  let count = 0
  let bytes = 0
  let seq = 0

  function evictOldest (): void {
    if (count === 0) return
    const slot = (next - count + size) % size
    const gone = ring[slot]!
    ring[slot] = undefined
    count--
    bytes -= gone.bytes
    budget?.charge(-gone.bytes)
  }

  const self: Evictable = { bytes: () => bytes, evictOldest }
  budget?.join(self)

  function snapshot (): KeptEntry[] {
    const out: KeptEntry[] = new Array(count)
    for (let i = 0; i < count; i++) out[i] = ring[(next - count + i + size) % size]!
    return out
  }

  function clear (): void {
    budget?.charge(-bytes)
    ring.fill(undefined)
    next = 0
    count = 0
    bytes = 0
  }

  return {
    /** Keeps an answered request; its caller is given as a principal and kept as an identity, its body as JSON text. */
    add (request: Omit<JournalEntry, 'caller' | 'body'> & { principal: Principal | null, bodyText: string | null }): void {
      if (size === 0) return
      const cost = ENTRY_OVERHEAD + Buffer.byteLength(request.path) + Buffer.byteLength(request.request_id) +
        (request.bodyText === null ? 0 : Buffer.byteLength(request.bodyText))
      if (count === size) evictOldest()
      ring[next] = {
        seq: ++seq,
        bytes: cost,
        time: request.time,
        request_id: request.request_id,
        operation: request.operation,
        method: request.method,
        path: request.path,
        status: request.status,
        caller: journalCaller(request.principal),
        bodyText: request.bodyText,
        fault: request.fault
      }
      next = (next + 1) % size
      count++
      bytes += cost
      budget?.charge(cost)
      while (bytes > byteLimit) evictOldest()
    },
    /** The kept entries, oldest first, as they are now: later additions and evictions do not change the array. */
    snapshot,
    /** The kept entries that match, oldest first. */
    entries (match: (entry: KeptEntry) => boolean = () => true): JournalEntry[] {
      const out: JournalEntry[] = []
      for (const kept of snapshot()) if (match(kept)) out.push(entryOf(kept))
      return out
    },
    size: (): number => count,
    bytes: (): number => bytes,
    clear,
    /** Empties it and leaves the server's budget: the journal of a closed world. */
    release (): void {
      clear()
      budget?.leave(self)
    }
  }
}

export type Journal = ReturnType<typeof createJournal>
