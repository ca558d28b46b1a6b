// The one blanking of credentials (docs/api.md, "Authentication and status codes": none reaches a log line or the journal, wherever the client put
// it): the same rules for a text (a 400's reason), a URL (the request line) and a parsed body.

export const REDACTED = '[redacted]'

// A whole string holding anything shaped like a credential: an API key, or the first two segments of a JWT.
// The lookbehind starts a match only where a run begins, so a 16 KiB run costs linear time, not quadratic.
const SECRET = /basic_key_|^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./i
// The same shapes as runs inside a text, to blank only them.
const CREDENTIAL_RUN = /basic_key_[A-Za-z0-9._~+/-]*|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/gi

/** Nesting kept in a journaled body: deeper values become this marker, so no reader has to recurse far. */
export const MAX_DEPTH = 32
export const TOO_DEEP = '[nested too deep]'

export interface Redactor {
  /** The text with every credential-shaped run (and every known secret) blanked. */
  text: (text: string) => string
  /** The URL with every query value blanked, and each path segment that is (or decodes to) a credential. */
  url: (url: string) => string
  /** A copy of a parsed value with every string holding a credential blanked, keys too, nested at most MAX_DEPTH. */
  value: (value: unknown) => unknown
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// defineProperty, not assignment: a key named __proto__ stays a plain key of the copy.
const define = (into: object, key: string | number, value: unknown): void => {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true })
}

/** `secrets`: texts of any shape that must never be shown (the ADMIN_TOKEN). */
export function createRedactor (secrets: string[] = []): Redactor {
  const known = secrets.filter(secret => secret !== '')
  const holds = (text: string): boolean => SECRET.test(text) || known.some(secret => text.includes(secret))
  const hide = (text: string): string => holds(text) ? REDACTED : text

  function text (input: string): string {
    let out = input.replace(CREDENTIAL_RUN, REDACTED)
    for (const secret of known) out = out.split(secret).join(REDACTED)
    return out
  }

  function url (input: string): string {
    const query = input.indexOf('?')
    const path = query === -1 ? input : input.slice(0, query)
    // The common case, a plain path without a query: nothing to take apart.
    const safePath = !path.includes('%') && !holds(path)
      ? path
      : path.split('/').map(segment => holds(segment) || holds(decode(segment)) ? REDACTED : segment).join('/')
    if (query === -1) return safePath
    // The API takes no query parameters: no value is worth the risk, so every one is blanked and only names stay.
    const names = input.slice(query + 1).split('&').map(pair => {
      const name = pair.split('=')[0]!
      return `${hide(decode(name)) === REDACTED ? REDACTED : name}=${REDACTED}`
    })
    return `${safePath}?${names.join('&')}`
  }

  // A loop over an explicit stack, not recursion: a body nested thousands deep must not overflow the stack.
  function value (input: unknown): unknown {
    const root: { value: unknown } = { value: undefined }
    const stack: Array<{ from: unknown, into: Record<string, unknown> | unknown[], key: string | number, depth: number }> = [{ from: input, into: root as unknown as Record<string, unknown>, key: 'value', depth: 0 }]
    while (stack.length > 0) {
      const { from, into, key, depth } = stack.pop()!
      let copy: unknown
      if (typeof from === 'string') {
        copy = hide(from)
      } else if (typeof from !== 'object' || from === null) {
        copy = from
      } else if (depth >= MAX_DEPTH) {
        copy = TOO_DEEP
      } else if (Array.isArray(from)) {
        const items: unknown[] = new Array(from.length)
        from.forEach((item, i) => stack.push({ from: item, into: items, key: i, depth: depth + 1 }))
        copy = items
      } else {
        const fields: Record<string, unknown> = {}
        for (const [name, item] of Object.entries(from)) {
          const field = hide(name)
          // Placed now, filled when popped: the copy keeps the original order of keys.
          define(fields, field, undefined)
          stack.push({ from: item, into: fields, key: field, depth: depth + 1 })
        }
        copy = fields
      }
      define(into, key, copy)
    }
    return root.value
  }

  return { text, url, value }
}
