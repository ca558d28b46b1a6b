// Inputs as the operations take them: checked by the body rules of docs/api.md, "Request bodies" (src/domain/rules.ts), and
// answered as a refusal that names the rule, never thrown.
import { isValidId, KEY_FIELD_NAMES, KEY_FIELDS, RuleError, type KeyFieldInput, type KeyFields } from '../domain/rules.js'
import { badInput, notVisible, type Refusal } from '../domain/refusal.js'

/** The fields given, as stored; a field not given is absent (left as it is). */
export type KeyChanges = Partial<KeyFields>

// Each field with its rule, looked up once: this runs for every PATCH.
const RULES = KEY_FIELD_NAMES.map(field => [field, KEY_FIELDS[field] as (value: unknown) => unknown] as const)

/** The key fields given (label, roles, ...) as stored (trimmed, de-duplicated), or the refusal of the first rule they break. */
export function keyChanges (input: KeyFieldInput): KeyChanges | Refusal {
  const changes: Record<string, unknown> = {}
  for (const [field, rule] of RULES) {
    const value = input[field]
    if (value === undefined) continue
    try {
      changes[field] = rule(value)
    } catch (error) {
      if (!(error instanceof RuleError)) throw error
      // The rule's message names its field already ("label must...", "roles: ...").
      return badInput(field, undefined, error.message)
    }
  }
  return changes as KeyChanges
}

/** The not-visible refusal for path ids the store could not hold (docs/api.md, "Request bodies": 404, never 500). */
export function idRefusal (...ids: string[]): Refusal | undefined {
  return ids.every(isValidId) ? undefined : notVisible('an id that cannot exist')
}

export const isRefusal = (value: object): value is Refusal => 'kind' in value
