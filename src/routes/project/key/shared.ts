import { isoTime } from '../../../clock.js'
import { badRequest } from '../../../errors.js'
import { RuleError } from '../../../services/rules.js'
import type { ListedKey } from '../../../stores/keys.js'

/** Applies a body rule, turning its RuleError into the contract's 400. */
export function normalise<T> (value: T | undefined, fn: (value: T) => T): T | undefined {
  if (value === undefined) return undefined
  try {
    return fn(value)
  } catch (error) {
    throw error instanceof RuleError ? badRequest(error.message) : error
  }
}

/** The fields every key answer shares; each operation adds its own. */
export function keyFields (key: Pick<ListedKey, 'id' | 'label' | 'roles' | 'created_at'>) {
  return { id: key.id, label: key.label, roles: key.roles, created_at: isoTime(key.created_at) }
}
