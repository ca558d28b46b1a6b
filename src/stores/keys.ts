// The api_keys table: rows in, rows out. Who may do what is decided above (src/operations/); times come from there.
import type { Db } from '../db/database.js'

export interface KeyRow {
  id: string
  project_id: string
  label: string
  roles: string
  key_hash: Buffer
  created_at: number
  updated_at: number
  last_used: number | null
  is_private: 0 | 1
}

export type UpdatedKey = Pick<KeyRow, 'id' | 'label' | 'roles' | 'updated_at'>
export type ListedKey = Pick<KeyRow, 'id' | 'label' | 'roles' | 'is_private' | 'last_used' | 'created_at'>
export type SecretOwner = Pick<KeyRow, 'id' | 'project_id' | 'roles'>

export interface NewKey { id: string, projectId: string, label: string, roles: string, hash: Buffer, isPrivate: boolean, now: number }

const LISTED = 'id, label, roles, is_private, last_used, created_at'

/**
 * A secret within one project, by the (project_id, key_hash) index, named: left to itself SQLite takes the unique
 * index on key_hash, where another project's secret is a hit (and a row read) while an unknown one is a miss.
 */
export const IN_PROJECT_BY_HASH = `SELECT ${LISTED} FROM api_keys INDEXED BY api_keys_by_project_and_hash WHERE project_id = ? AND key_hash = ?`

export function createKeyStore (db: Db) {
  const byHash = db.prepare<[Buffer], SecretOwner>('SELECT id, project_id, roles FROM api_keys WHERE key_hash = ?')
  const inProjectByHash = db.prepare<[string, Buffer], ListedKey>(IN_PROJECT_BY_HASH)
  // Creation order; rowid breaks ties within one millisecond.
  const list = db.prepare<[string], ListedKey>(`SELECT ${LISTED} FROM api_keys WHERE project_id = ? ORDER BY created_at, rowid`)
  const get = db.prepare<[string, string], ListedKey>(`SELECT ${LISTED} FROM api_keys WHERE project_id = ? AND id = ?`)
  const projectOf = db.prepare<[string], string>('SELECT project_id FROM api_keys WHERE id = ?').pluck()
  const idByHash = db.prepare<[Buffer], string>('SELECT id FROM api_keys WHERE key_hash = ?').pluck()
  const insert = db.prepare<[string, string, string, string, Buffer, number, number, number]>(
    `INSERT INTO api_keys (id, project_id, label, roles, key_hash, is_private, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
  // updated_at moves forward strictly, even twice in one millisecond or from two processes.
  // RETURNING is read with .all(): in autocommit, .get() leaves the statement open and WAL checkpoints never finish.
  const update = db.prepare<{ project: string, id: string, label: string | null, roles: string | null, now: number }, UpdatedKey>(
    `UPDATE api_keys SET label = coalesce(@label, label), roles = coalesce(@roles, roles), updated_at = max(@now, updated_at + 1)
     WHERE id = @id AND project_id = @project
     RETURNING id, label, roles, updated_at`)
  const rehash = db.prepare<{ project: string, id: string, hash: Buffer, now: number }, ListedKey>(
    `UPDATE api_keys SET key_hash = @hash, updated_at = max(@now, updated_at + 1)
     WHERE id = @id AND project_id = @project
     RETURNING ${LISTED}`)
  const remove = db.prepare<[string, string]>('DELETE FROM api_keys WHERE project_id = ? AND id = ?')
  const touch = db.prepare<[number, string]>('UPDATE api_keys SET last_used = ? WHERE id = ?')
  const count = db.prepare<[], number>('SELECT count(*) FROM api_keys').pluck()

  return {
    /** The key whose secret has this SHA-256, in any project. */
    byHash: (hash: Buffer): SecretOwner | undefined => byHash.all(hash)[0],
    inProjectByHash: (projectId: string, hash: Buffer): ListedKey | undefined => inProjectByHash.all(projectId, hash)[0],
    list: (projectId: string): ListedKey[] => list.all(projectId),
    get: (projectId: string, keyId: string): ListedKey | undefined => get.all(projectId, keyId)[0],
    projectOf: (keyId: string): string | undefined => projectOf.get(keyId),
    idByHash: (hash: Buffer): string | undefined => idByHash.get(hash),
    insert (key: NewKey): void {
      insert.run(key.id, key.projectId, key.label, key.roles, key.hash, key.isPrivate ? 1 : 0, key.now, key.now)
    },
    /** undefined when the key is not in that project. */
    update: (projectId: string, keyId: string, changes: { label: string | undefined, roles: string | undefined }, now: number): UpdatedKey | undefined =>
      update.all({ project: projectId, id: keyId, label: changes.label ?? null, roles: changes.roles ?? null, now })[0],
    rehash: (projectId: string, keyId: string, hash: Buffer, now: number): ListedKey | undefined =>
      rehash.all({ project: projectId, id: keyId, hash, now })[0],
    /** false when the key is not in that project. */
    remove: (projectId: string, keyId: string): boolean => remove.run(projectId, keyId).changes === 1,
    count: (): number => count.get()!,
    touch (keyId: string, now: number): void {
      touch.run(now, keyId)
    }
  }
}

export type KeyStore = ReturnType<typeof createKeyStore>
