// Key rows as the contract shows them: exactly its fields, times as ISO 8601 UTC with milliseconds.
import { isoTime } from '../domain/clock.js'
import type { ListedKey, UpdatedKey } from '../stores/keys.js'

export interface KeyView { id: string, label: string, roles: string, created_at: string }

export const keyView = (key: Pick<ListedKey, 'id' | 'label' | 'roles' | 'created_at'>): KeyView =>
  ({ id: key.id, label: key.label, roles: key.roles, created_at: isoTime(key.created_at) })

export const listedView = (key: ListedKey) =>
  ({ ...keyView(key), is_private: key.is_private === 1, last_used: key.last_used === null ? null : isoTime(key.last_used) })

export const updatedView = (key: UpdatedKey) =>
  ({ id: key.id, label: key.label, roles: key.roles, updated_at: isoTime(key.updated_at) })
