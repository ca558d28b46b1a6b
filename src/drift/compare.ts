// What differs between the target's answer and the mock's to the same step: status, transport, the error's shape,
// headers that matter, and the body's properties, types and values (ids, secrets and times normalised).
import type { IncomingHttpHeaders } from 'node:http'
import type { Answer } from './http.js'

export type FindingKind = 'transport' | 'status' | 'error' | 'message' | 'property' | 'type' | 'value' | 'header'

export interface Finding {
  /** What an --accept file lists to accept it: step:kind[:pointer or header]. */
  id: string
  step: string
  request: string
  kind: FindingKind
  /** A JSON pointer into the body, or a header's name. */
  where?: string
  target: string
  mock: string
}

// Headers whose difference a client notices: the media type and its parameters, the challenge of a 401, a 405's methods.
const HEADERS = ['content-type', 'www-authenticate', 'allow']

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/
const TIMES = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g
const SECRET = /basic_key_[A-Za-z0-9._~+/-]+/g

type Leaf = { type: string, value?: unknown }

const typeOf = (value: unknown): string => value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value

/** Every property path of a JSON value (arrays' items as /*, values only outside arrays), with its type. */
function leaves (value: unknown, pointer = '', inArray = false, out = new Map<string, Leaf>()): Map<string, Leaf> {
  const type = typeOf(value)
  const known = out.get(pointer)
  if (known === undefined) out.set(pointer, inArray || type === 'object' || type === 'array' ? { type } : { type, value })
  else if (known.type !== type) known.type = [...new Set([...known.type.split('|'), type])].sort().join('|')
  if (type === 'object') for (const [key, item] of Object.entries(value as object)) leaves(item, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, inArray, out)
  if (type === 'array') for (const item of value as unknown[]) leaves(item, `${pointer}/*`, true, out)
  return out
}

/** A value as compared: times, secrets and the side's own ids stand as placeholders. */
export function normalise (value: unknown, ids: Record<string, string>): unknown {
  if (typeof value !== 'string') return value
  if (TIME.test(value)) return '<time>'
  let text = value.replace(SECRET, '<secret>').replace(TIMES, '<time>')
  for (const [name, id] of Object.entries(ids)) if (id !== '') text = text.split(id).join(`<${name}>`)
  return text
}

const shown = (value: unknown): string => value === undefined ? '(none)' : JSON.stringify(value)

function json (text: string): { ok: true, value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/** An answer's body in a few words: its error and message, or its start. */
function brief (text: string, ids: Record<string, string>): string {
  const parsed = json(text)
  const value = parsed.ok ? parsed.value as { error?: unknown, message?: unknown } | null : null
  const words = value !== null && typeof value === 'object' && typeof value.error === 'string'
    ? `${value.error}${typeof value.message === 'string' ? `: ${value.message}` : ''}`
    : text
  const short = String(normalise(words, ids))
  return short.length > 120 ? `${short.slice(0, 119)}…` : short
}

function header (headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** The findings of one step: empty when the target answered as the mock did. */
export function compare (step: string, request: string, target: Answer, mock: Answer, ids: { target: Record<string, string>, mock: Record<string, string> }): Finding[] {
  const findings: Finding[] = []
  const add = (kind: FindingKind, where: string | undefined, t: string, m: string): void => {
    findings.push({ id: `${step}:${kind}${where === undefined ? '' : `:${where}`}`, step, request, kind, ...(where === undefined ? {} : { where }), target: t, mock: m })
  }
  if (!target.ok || !mock.ok) {
    const describe = (answer: Answer): string => answer.ok ? `${answer.status}` : `${answer.failure}: ${answer.message}`
    if (describe(target) !== describe(mock)) add('transport', undefined, describe(target), describe(mock))
    return findings
  }
  // Another status makes another body: its properties would only repeat the one difference that matters.
  if (target.status !== mock.status) {
    add('status', undefined, `${target.status} ${brief(target.text, ids.target)}`, `${mock.status} ${brief(mock.text, ids.mock)}`)
    return findings
  }
  for (const name of HEADERS) {
    const t = header(target.headers, name)
    const m = header(mock.headers, name)
    // Normalised like bodies: a challenge or a media type names no id, but compare them the same way.
    if (normalise(t, ids.target) !== normalise(m, ids.mock)) add('header', name, shown(t), shown(m))
  }
  const t = json(target.text)
  const m = json(mock.text)
  if (!t.ok || !m.ok) {
    if (t.ok !== m.ok) add('type', '', t.ok ? 'JSON' : `not JSON: ${JSON.stringify(target.text.slice(0, 80))}`, m.ok ? 'JSON' : `not JSON: ${JSON.stringify(mock.text.slice(0, 80))}`)
    return findings
  }
  const tl = leaves(t.value)
  const ml = leaves(m.value)
  const isError = target.status >= 400 || mock.status >= 400
  for (const [pointer, mine] of ml) {
    const theirs = tl.get(pointer)
    if (theirs === undefined) { add('property', pointer, '(missing)', mine.type); continue }
    if (theirs.type !== mine.type) { add('type', pointer, theirs.type, mine.type); continue }
    if (!('value' in mine)) continue
    const tv = normalise(theirs.value, ids.target)
    const mv = normalise(mine.value, ids.mock)
    if (tv === mv) continue
    const kind: FindingKind = isError && pointer === '/error' ? 'error' : isError && pointer === '/message' ? 'message' : 'value'
    add(kind, pointer, shown(tv), shown(mv))
  }
  for (const [pointer, theirs] of tl) if (!ml.has(pointer)) add('property', pointer, theirs.type, '(missing)')
  return findings
}
