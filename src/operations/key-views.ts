// Key rows as the contract shows them: exactly its fields, times as ISO 8601 UTC with milliseconds.
import { isoTime } from '../domain/clock.js'
import { KEY_FIELD_NAMES, type KeyFields } from '../domain/rules.js'
import type { ListedKey, UpdatedKey } from '../stores/keys.js'

export type KeyView = { id: string, created_at: string } & KeyFields

/** The key's id, its fields (src/domain/rules.ts KEY_FIELDS) as stored, then `extra`: a loop, this is every answer's path. */
function withFields<T extends object> (key: { id: string } & KeyFields, extra: T): { id: string } & KeyFields & T {
  const view: Record<string, unknown> = { id: key.id }
  for (const field of KEY_FIELD_NAMES) view[field] = key[field]
  return Object.assign(view, extra) as { id: string } & KeyFields & T
}

export const keyView = (key: Pick<ListedKey, 'id' | 'created_at'> & KeyFields): KeyView =>
  withFields(key, { created_at: isoTime(key.created_at) })

export const listedView = (key: ListedKey) =>
  ({ ...keyView(key), is_private: key.is_private === 1, last_used: key.last_used === null ? null : isoTime(key.last_used) })

export const updatedView = (key: UpdatedKey) =>
  withFields(key, { updated_at: isoTime(key.updated_at) })
