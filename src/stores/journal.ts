// The most recent answered requests, for a consumer's tests to read back (GET /__admin/requests). Held in memory:
// a restart starts it empty. Entries arrive already blanked (src/domain/redact.ts); this only keeps them.
import type { Principal } from '../domain/credential.js'

export interface JournalEntry {
  time: string
  request_id: string
  method: string
  path: string
  /** null: the connection was dropped without an answer (a fault rule's drop). */
  status: number | null
  caller: { kind: 'user', user_id: string } | { kind: 'key', key_id: string, project_id: string } | null
  body: unknown
  /** The fault rule that answered instead of the server (its id, or "prefer"); null for the server's own answers. */
  fault: string | null
}

/** A caller as the journal shows it: by identity, never by credential. */
function journalCaller (principal: Principal | null): JournalEntry['caller'] {
  if (principal === null || principal.kind === 'system') return null
  return principal.kind === 'user' ? { kind: 'user', user_id: principal.userId } : { kind: 'key', key_id: principal.keyId, project_id: principal.projectId }
}

/** The most recent requests, oldest first, in a ring of fixed size so memory stays flat. */
export function createJournal (size: number) {
  const ring: Array<JournalEntry | undefined> = new Array(size)
  let next = 0
  let count = 0
  return {
    /** Keeps an answered request; its caller is given as a principal and kept as an identity. */
    add (request: Omit<JournalEntry, 'caller'> & { principal: Principal | null }): void {
      if (size === 0) return
      const entry: JournalEntry = {
        time: request.time,
        request_id: request.request_id,
        method: request.method,
        path: request.path,
        status: request.status,
        caller: journalCaller(request.principal),
        body: request.body,
        fault: request.fault
      }
      ring[next] = entry
      next = (next + 1) % size
      count = Math.min(count + 1, size)
    },
    entries (filter: { path?: string | undefined, status?: number | undefined } = {}): JournalEntry[] {
      const out: JournalEntry[] = []
      for (let i = 0; i < count; i++) {
        const entry = ring[(next - count + i + size) % size]!
        if (filter.path !== undefined && !(filter.path.endsWith('*') ? entry.path.startsWith(filter.path.slice(0, -1)) : entry.path === filter.path)) continue
        if (filter.status !== undefined && entry.status !== filter.status) continue
        out.push(entry)
      }
      return out
    },
    clear (): void {
      ring.fill(undefined)
      next = 0
      count = 0
    }
  }
}

export type Journal = ReturnType<typeof createJournal>
