// The fault rules one namespace holds (README "Unhappy paths"; their shape and checks: src/domain/faults.ts), kept in
// memory. Probabilities are drawn from a seeded generator (FAULT_SEED), so the same requests meet the same faults
// in every run.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import type { FaultAction, FaultRequest, FaultRule, StoredFault } from '../domain/faults.js'
import { globMatcher } from '../domain/glob.js'

function matches (rule: FaultRule & { pathPattern?: (path: string) => boolean }, request: FaultRequest): boolean {
  if (rule.operation !== undefined && rule.operation !== request.operation) return false
  if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) return false
  if (rule.pathPattern !== undefined && !rule.pathPattern(request.path)) return false
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
  let rules: Array<StoredFault & { pathPattern?: (path: string) => boolean, remaining: number }> = []
  let next = 1
  let rng = xoroshiro128plus(seedOf(seed, namespace))

  return {
    add (rule: FaultRule): StoredFault {
      const stored = { ...rule, id: `fault-${next++}`, hits: 0 }
      rules.push({ ...stored, remaining: rule.times ?? Number.POSITIVE_INFINITY, ...(rule.path === undefined ? {} : { pathPattern: globMatcher(rule.path) }) })
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
