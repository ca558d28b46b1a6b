// The body rules of docs/api.md, "Request bodies". Over HTTP the contract's schemas (openapi/basic-admin.overlay.yaml)
// refuse most bad values first; only what JSON Schema cannot say is left to these alone: trimming, dropping
// duplicate roles, at most 32 distinct roles, lone surrogates. They still check everything, for the input no
// HTTP schema sees (fixtures, the CLI, startMockServer) and to word the 400 when a schema pattern refused.

export const MAX_LABEL_LENGTH = 255
export const MAX_ROLES = 32
const ROLE_NAME = /^[A-Za-z0-9:_.*-]+$/
const CONTROL = /\p{Cc}/u
// A lone UTF-16 surrogate has no UTF-8 form: SQLite would store (and answer) something else than was sent.
const LONE_SURROGATE = /\p{Cs}/u
const ID = /^[A-Za-z0-9_-]{1,128}$/

export class RuleError extends Error {}

/** The label as stored: trimmed, 1..255 characters, no control characters anywhere. */
export function normaliseLabel (label: string): string {
  if (CONTROL.test(label)) throw new RuleError('label must not contain control characters')
  if (LONE_SURROGATE.test(label)) throw new RuleError('label must be valid Unicode (it contains a lone surrogate)')
  const trimmed = label.trim()
  if (trimmed === '') throw new RuleError('label must not be empty or only whitespace')
  const length = [...trimmed].length
  if (length > MAX_LABEL_LENGTH) throw new RuleError(`label must be at most ${MAX_LABEL_LENGTH} characters after trimming (got ${length})`)
  return trimmed
}

/** The roles as stored: items trimmed, duplicates dropped in first-seen order, joined by ",". */
export function normaliseRoles (roles: string): string {
  const seen = new Set<string>()
  for (const item of roles.split(',')) {
    const role = item.trim()
    if (role === '') throw new RuleError('roles must not contain empty items (check for stray commas)')
    if (!ROLE_NAME.test(role)) throw new RuleError(`roles: ${JSON.stringify(role)} is not a valid role name (allowed: letters, digits and : _ . * -)`)
    seen.add(role)
  }
  if (seen.size > MAX_ROLES) throw new RuleError(`roles must list at most ${MAX_ROLES} distinct roles (got ${seen.size})`)
  return [...seen].join(',')
}

/**
 * The key fields a PATCH may set, each with its rule (which gives the stored form): the one list. The store writes
 * and reads these columns, the views answer them, coverage counts a rule of each, all from here; adding a field is
 * its rule here, the contract and a migration (docs/architecture.md, "Adding a key field").
 */
export const KEY_FIELDS = { label: normaliseLabel, roles: normaliseRoles }
export type KeyField = keyof typeof KEY_FIELDS
export const KEY_FIELD_NAMES = Object.keys(KEY_FIELDS) as KeyField[]
/** The fields as stored. */
export type KeyFields = { [F in KeyField]: ReturnType<typeof KEY_FIELDS[F]> }
/** The fields as a caller gives them, before their rules. */
export type KeyFieldInput = { [F in KeyField]?: Parameters<typeof KEY_FIELDS[F]>[0] | undefined }

/** The sentence the rules give for a body field's value (`label`, `roles`), or undefined when they accept it. */
export function explainRule (field: string, value: string): string | undefined {
  const rule = (KEY_FIELDS as Record<string, (value: string) => unknown>)[field]
  try {
    rule?.(value)
    return undefined
  } catch (error) {
    if (error instanceof RuleError) return error.message
    throw error
  }
}

/** Path ids the store could hold; anything else is answered as not found. */
export function isValidId (id: string): boolean {
  return ID.test(id)
}
