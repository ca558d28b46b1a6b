import type { Caller } from '../plugins/auth.js'

export interface JournalEntry {
  time: string
  request_id: string
  method: string
  path: string
  status: number
  caller: { kind: 'user', user_id: string } | { kind: 'key', key_id: string, project_id: string } | null
  body: unknown
}

const REDACTED = '[redacted]'
// Anything shaped like a credential is blanked wherever it sits in a body (verify's `key`, a pasted token...).
const SECRET = /^(basic_key_|[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.)/i

/** A copy of a parsed body with every credential-shaped string replaced; bodies are at most 16 KiB. */
export function redact (value: unknown): unknown {
  if (typeof value === 'string') return SECRET.test(value) ? REDACTED : value
  if (Array.isArray(value)) return value.map(redact)
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]))
  return value
}

export function callerOf (caller: Caller | null): JournalEntry['caller'] {
  if (caller === null) return null
  return caller.kind === 'user' ? { kind: 'user', user_id: caller.userId } : { kind: 'key', key_id: caller.keyId, project_id: caller.projectId }
}

/** The most recent requests, oldest first, in a ring of fixed size so memory stays flat. */
export function createJournal (size: number) {
  const ring: Array<JournalEntry | undefined> = new Array(size)
  let next = 0
  let count = 0
  return {
    add (entry: JournalEntry): void {
      if (size === 0) return
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
