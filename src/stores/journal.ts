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
// A string holding anything shaped like a credential anywhere (verify's `key`, "Bearer <token>" pasted, a label) is blanked;
// the lookbehind starts a match only where a run begins, so a 16 KiB run costs linear time, not quadratic.
const SECRET = /basic_key_|^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./i

/** A copy of a parsed body with every string (values and property names) holding a credential or one of `secrets` replaced; bodies are at most 1 MiB. */
export function redact (value: unknown, secrets: string[] = []): unknown {
  const hide = (text: string): string => SECRET.test(text) || secrets.some(secret => text.includes(secret)) ? REDACTED : text
  if (typeof value === 'string') return hide(value)
  if (Array.isArray(value)) return value.map(item => redact(item, secrets))
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [hide(k), redact(v, secrets)]))
  return value
}

// The same shapes as SECRET, as runs inside a text.
const CREDENTIAL_RUN = /basic_key_[A-Za-z0-9._~+/-]*|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/gi

/** The text with every credential-shaped run blanked, for log lines that quote what a client sent (a 400's reason). */
export function scrub (text: string): string {
  return text.replace(CREDENTIAL_RUN, REDACTED)
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
