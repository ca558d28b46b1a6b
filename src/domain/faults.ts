// Faults and latency on demand (README "Unhappy paths"): rules a consumer's tests add through the control plane, each
// matching some requests and, for the next `times` of them or with a `probability`, delaying the answer, answering a
// status instead of the operation, or dropping the connection. Here the rule's shape and checks, pure; the rules a
// namespace holds, and the seeded generator their probabilities draw from, are src/stores/faults.ts.
import { STATUS_CODES } from 'node:http'
import { Type, type Static } from '@sinclair/typebox'
import { closestMatch } from 'leven'

const MAX_DELAY_MS = 60_000
// A day: a Retry-After beyond it tells a client nothing a test wants, and 1e21 would be sent as "1e+21".
const MAX_RETRY_AFTER_S = 86_400

export const FaultRuleSchema = Type.Object({
  operation: Type.Optional(Type.String({ minLength: 1, description: 'An operationId, e.g. updateApiKey' })),
  method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$' })),
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The request path; * matches any run of characters' })),
  caller: Type.Optional(Type.String({ minLength: 1, description: 'The calling key id or user id' })),
  times: Type.Optional(Type.Integer({ minimum: 1 })),
  probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  delay: Type.Optional(Type.Union([
    Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }),
    Type.Object({ min: Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }), max: Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }) }, { additionalProperties: false })
  ])),
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
  retry_after: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_RETRY_AFTER_S })),
  drop: Type.Optional(Type.Union([Type.Literal('reset'), Type.Literal('close'), Type.Literal('truncate')]))
}, { additionalProperties: false })

export type FaultRule = Static<typeof FaultRuleSchema>

/** An operation of the contract as a fault rule can name it: its id, method and path template (`{id}` a parameter). */
export interface FaultableOperation { id: string, method: string, path: string }

/** What the schema cannot say, a rule that can never match included; undefined when the rule is whole. */
export function faultRuleProblem (rule: FaultRule, operations: readonly FaultableOperation[]): string | undefined {
  if (rule.delay === undefined && rule.status === undefined && rule.drop === undefined) return 'a fault needs an action: delay, status or drop'
  if (rule.status !== undefined && rule.drop !== undefined) return 'status and drop exclude each other: a dropped connection has no status'
  if (rule.retry_after !== undefined && rule.status === undefined) return 'retry_after goes with a status'
  if (typeof rule.delay === 'object' && rule.delay.min > rule.delay.max) return 'delay.min must not be above delay.max'
  return neverMatches(rule, operations)
}

/** Why a rule's operation, method and path can never meet a request together, with what the rule could have meant. */
function neverMatches (rule: FaultRule, operations: readonly FaultableOperation[]): string | undefined {
  let candidates = operations
  if (rule.operation !== undefined) {
    candidates = operations.filter(operation => operation.id === rule.operation)
    if (candidates.length === 0) return `operation ${JSON.stringify(rule.operation)} is no operation of the contract: ${operationHint(rule.operation, operations)}`
  }
  if (rule.method !== undefined) {
    const method = rule.method.toUpperCase()
    const methods = [...new Set(operations.map(operation => operation.method))]
    if (!methods.includes(method)) return `method ${JSON.stringify(rule.method)} is no method of the contract's operations (${methods.join(', ')})`
    const named = candidates
    candidates = candidates.filter(operation => operation.method === method)
    if (candidates.length === 0) return `operation ${rule.operation!} is ${named[0]!.method}, never ${method}: drop method, or name an operation of ${method} (${operations.filter(o => o.method === method).map(o => o.id).join(', ')})`
  }
  if (rule.path !== undefined && !candidates.some(operation => canMatch(rule.path!, operation.path))) {
    const of = rule.operation === undefined && rule.method === undefined ? 'no route of the contract' : `no route of ${candidates.map(o => `${o.method} ${o.path}`).join(', ')}`
    const guess = closestGlob(rule.path, candidates) ?? (candidates.length === 1 ? globOf(candidates[0]!.path) : undefined)
    return `path ${JSON.stringify(rule.path)} matches ${of}: ${guess === undefined ? `* matches any run of characters, e.g. ${globOf(candidates[0]!.path)}` : `did you mean ${JSON.stringify(guess)}? (* matches any run of characters)`}`
  }
  return undefined
}

/** What a misspelt operation could have meant: a name one or two edits away, the operations of the HTTP method it starts with, or the nearest. */
function operationHint (name: string, operations: readonly FaultableOperation[]): string {
  const ids = operations.map(operation => operation.id)
  const verb = /^(get|post|put|patch|delete)/i.exec(name)?.[1]?.toUpperCase()
  const byVerb = operations.filter(operation => operation.method === verb).map(operation => operation.id)
  const near = closestMatch(name, ids, { maxDistance: 2 }) ?? (byVerb.length > 0 ? undefined : closestMatch(name, ids, { maxDistance: Math.floor(name.length / 3) }))
  const meant = near !== undefined ? [near] : byVerb
  if (meant.length === 0) return `the operations are ${ids.join(', ')}`
  return `did you mean ${meant.length === 1 ? meant[0]! : `${meant.slice(0, -1).join(', ')} or ${meant.at(-1)!}`}?`
}

/** A path template as a pattern: each parameter a `*`. */
const globOf = (template: string): string => template.replace(/\{\w+\}/g, '*')

/** The nearest pattern that does match one of the operations: a route as a pattern, or a prefix of it ending in `/*`. */
function closestGlob (pattern: string, operations: readonly FaultableOperation[]): string | undefined {
  const globs = new Set<string>()
  for (const operation of operations) {
    const segments = globOf(operation.path).split('/')
    for (let end = 2; end < segments.length; end++) globs.add(`${segments.slice(0, end).join('/')}/*`)
    globs.add(segments.join('/'))
  }
  return closestMatch(pattern, [...globs], { maxDistance: Math.max(2, Math.floor(pattern.length / 3)) })
}

interface Char { kind: 'char', char: string }
const ANY = { kind: 'any' } as const
const SEGMENT = { kind: 'segment' } as const
const chars = (text: string): Char[] => [...text].map(c => ({ kind: 'char', char: c }))

/**
 * Whether some path matches both a rule's pattern (`*` any run of characters) and a route's template (`{x}` one or
 * more characters other than `/`): a walk over the pairs of places the two can be in after reading the same text.
 */
export function canMatch (pattern: string, template: string): boolean {
  const p: Array<Char | typeof ANY> = [...pattern].map(c => c === '*' ? ANY : { kind: 'char', char: c })
  const t: Array<Char | typeof SEGMENT> = template.split(/(\{\w+\})/).flatMap((part): Array<Char | typeof SEGMENT> => /^\{\w+\}$/.test(part) ? [SEGMENT] : chars(part))
  // (i, j, inside): i steps of the pattern and j of the template taken; inside, the segment at j has a character already.
  const seen = new Set<string>()
  const queue: Array<[number, number, boolean]> = [[0, 0, false]]
  while (queue.length > 0) {
    const [i, j, inside] = queue.pop()!
    const key = `${i} ${j} ${String(inside)}`
    if (seen.has(key)) continue
    seen.add(key)
    if (i === p.length && j === t.length && !inside) return true
    const a = p[i]
    const b = t[j]
    // Moves that read nothing: past a `*` (it may match nothing), out of a segment that has its character.
    if (a?.kind === 'any') queue.push([i + 1, j, inside])
    if (inside) queue.push([i, j + 1, false])
    if (a === undefined || b === undefined) continue
    const overlap = a.kind === 'any' || (b.kind === 'char' ? a.char === b.char : a.char !== '/')
    // One character both read: a `*` stays where it is, and so does a segment, now with its character.
    if (overlap) queue.push([a.kind === 'any' ? i : i + 1, b.kind === 'segment' ? j : j + 1, b.kind === 'segment'])
  }
  return false
}

export interface FaultRequest { operation: string | undefined, method: string, path: string, caller: string | undefined }

/** What a matching rule does to one request. */
export interface FaultAction { id: string, delayMs: number, status?: number, retryAfter?: number, drop?: FaultRule['drop'] }

export interface StoredFault extends FaultRule { id: string, hits: number }

/** The contract's error shape for an injected status: the status's name, and which rule answered. */
export const faultBody = (status: number, id: string): { error: string, message: string } =>
  ({ error: STATUS_CODES[status] ?? 'Error', message: `Injected by fault rule ${id}` })
