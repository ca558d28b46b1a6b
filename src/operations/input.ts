// Inputs as the operations take them: checked by the body rules of docs/api.md, "Request bodies" (src/domain/rules.ts), and
// answered as a refusal that names the rule, never thrown.
import { isValidId, normaliseLabel, normaliseRoles, RuleError } from '../domain/rules.js'
import { badInput, notVisible, type Refusal } from '../domain/refusal.js'

export interface KeyChanges { label: string | undefined, roles: string | undefined }

/** The label and roles as stored (trimmed, de-duplicated), or the refusal of the first rule they break. */
export function keyChanges (input: { label?: string | undefined, roles?: string | undefined }): KeyChanges | Refusal {
  try {
    return {
      label: input.label === undefined ? undefined : normaliseLabel(input.label),
      roles: input.roles === undefined ? undefined : normaliseRoles(input.roles)
    }
  } catch (error) {
    if (!(error instanceof RuleError)) throw error
    // The rule's message names its field already ("label must...", "roles: ...").
    return badInput(error.message.startsWith('label') ? 'label' : 'roles', undefined, error.message)
  }
}

/** The not-visible refusal for path ids the store could not hold (docs/api.md, "Request bodies": 404, never 500). */
export function idRefusal (...ids: string[]): Refusal | undefined {
  return ids.every(isValidId) ? undefined : notVisible('an id that cannot exist')
}

export const isRefusal = (value: object): value is Refusal => 'kind' in value
