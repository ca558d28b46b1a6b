// Faults and latency on demand (README "Unhappy paths"): rules a consumer's tests add through the control plane, each
// matching some requests and, for the next `times` of them or with a `probability`, delaying the answer, answering a
// status instead of the operation, or dropping the connection. Probabilities are drawn from a seeded generator
// (FAULT_SEED), so the same requests meet the same faults in every run.
import { STATUS_CODES } from 'node:http'
import { Type, type Static } from '@sinclair/typebox'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

const MAX_DELAY_MS = 60_000

export const FaultRuleSchema = Type.Object({
  operation: Type.Optional(Type.String({ minLength: 1, description: 'An operationId, e.g. updateApiKey' })),
  method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$' })),
  path: Type.Optional(Type.String({ minLength: 1, description: 'The request path; * matches any run of characters' })),
  caller: Type.Optional(Type.String({ minLength: 1, description: 'The calling key id or user id' })),
  times: Type.Optional(Type.Integer({ minimum: 1 })),
  probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
  delay: Type.Optional(Type.Union([
    Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }),
    Type.Object({ min: Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }), max: Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS }) }, { additionalProperties: false })
  ])),
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599 })),
  retry_after: Type.Optional(Type.Integer({ minimum: 0 })),
  drop: Type.Optional(Type.Union([Type.Literal('reset'), Type.Literal('close'), Type.Literal('truncate')]))
}, { additionalProperties: false })

export type FaultRule = Static<typeof FaultRuleSchema>

/** What the schema cannot say; undefined when the rule is whole. */
export function faultRuleProblem (rule: FaultRule): string | undefined {
  if (rule.delay === undefined && rule.status === undefined && rule.drop === undefined) return 'a fault needs an action: delay, status or drop'
  if (rule.status !== undefined && rule.drop !== undefined) return 'status and drop exclude each other: a dropped connection has no status'
  if (rule.retry_after !== undefined && rule.status === undefined) return 'retry_after goes with a status'
  if (typeof rule.delay === 'object' && rule.delay.min > rule.delay.max) return 'delay.min must not be above delay.max'
  return undefined
}

export interface FaultRequest { operation: string | undefined, method: string, path: string, caller: string | undefined }

/** What a matching rule does to one request. */
export interface FaultAction { id: string, delayMs: number, status?: number, retryAfter?: number, drop?: FaultRule['drop'] }

export interface StoredFault extends FaultRule { id: string, hits: number }

const wildcard = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)

function matches (rule: FaultRule & { pathPattern?: RegExp }, request: FaultRequest): boolean {
  if (rule.operation !== undefined && rule.operation !== request.operation) return false
  if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) return false
  if (rule.pathPattern !== undefined && !rule.pathPattern.test(request.path)) return false
  if (rule.caller !== undefined && rule.caller !== request.caller) return false
  return true
}

/** A seed as FAULT_SEED gives it, and a namespace name, as the generator's integer seed. */
function seedOf (seed: string, namespace: string): number {
  let hash = 2166136261
  for (const char of `${seed}\u0000${namespace}`) hash = Math.imul(hash ^ char.codePointAt(0)!, 16777619)
  return hash | 0
}

/** The rules of one namespace, in the order added, with their hits and the namespace's own seeded generator. */
export function createFaults (seed: string, namespace: string) {
  let rules: Array<StoredFault & { pathPattern?: RegExp, remaining: number }> = []
  let next = 1
  let rng = xoroshiro128plus(seedOf(seed, namespace))

  return {
    add (rule: FaultRule): StoredFault {
      const stored = { ...rule, id: `fault-${next++}`, hits: 0 }
      rules.push({ ...stored, remaining: rule.times ?? Number.POSITIVE_INFINITY, ...(rule.path === undefined ? {} : { pathPattern: wildcard(rule.path) }) })
      return stored
    },

    list: (): StoredFault[] => rules.map(({ pathPattern, remaining, ...rule }) => rule),

    /** Forgets every rule; with `reseed`, the generator starts over too (a reset: the run repeats from there). */
    clear (reseed = false): void {
      rules = []
      if (reseed) {
        next = 1
        rng = xoroshiro128plus(seedOf(seed, namespace))
      }
    },

    remove (id: string): boolean {
      const before = rules.length
      rules = rules.filter(rule => rule.id !== id)
      return rules.length < before
    },

    /** The action of the first rule that matches and fires for this request, counting it; undefined for none. */
    decide (request: FaultRequest): FaultAction | undefined {
      if (rules.length === 0) return undefined
      for (const rule of rules) {
        if (rule.remaining <= 0 || !matches(rule, request)) continue
        if (rule.probability !== undefined && uniformFloat64(rng) >= rule.probability) continue
        rule.remaining--
        rule.hits++
        const delayMs = rule.delay === undefined ? 0 : typeof rule.delay === 'number' ? rule.delay : uniformInt(rng, rule.delay.min, rule.delay.max)
        return {
          id: rule.id,
          delayMs,
          ...(rule.status === undefined ? {} : { status: rule.status }),
          ...(rule.retry_after === undefined ? {} : { retryAfter: rule.retry_after }),
          ...(rule.drop === undefined ? {} : { drop: rule.drop })
        }
      }
      return undefined
    }
  }
}

export type Faults = ReturnType<typeof createFaults>

/** The contract's error shape for an injected status: the status's name, and which rule answered. */
export const faultBody = (status: number, id: string): { error: string, message: string } =>
  ({ error: STATUS_CODES[status] ?? 'Error', message: `Injected by fault rule ${id}` })
