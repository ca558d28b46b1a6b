// The api_keys table: rows in, rows out. Who may do what is decided above (src/operations/); times come from there.
// The columns of the key's own fields (label, roles, ...) come from their one list, KEY_FIELDS in src/domain/rules.ts.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/database.js'
import { KEY_FIELD_NAMES, type KeyFields } from '../domain/rules.js'

export type KeyRow = {
  id: string
  project_id: string
  key_hash: Buffer
  created_at: number
  updated_at: number
  last_used: number | null
  is_private: 0 | 1
} & KeyFields

export type UpdatedKey = Pick<KeyRow, 'id' | 'updated_at'> & KeyFields
export type ListedKey = Pick<KeyRow, 'id' | 'is_private' | 'last_used' | 'created_at'> & KeyFields
export type SecretOwner = Pick<KeyRow, 'id' | 'project_id' | 'roles'>

/** A new key; a field not given is stored as NULL (a field a PATCH sets later, say). */
export type NewKey = { id: string, projectId: string, hash: Buffer, isPrivate: boolean, now: number } & Partial<KeyFields>

const FIELDS = KEY_FIELD_NAMES.join(', ')
const LISTED = `id, ${FIELDS}, is_private, last_used, created_at`

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
  const insert = db.prepare<Record<string, unknown>>(
    `INSERT INTO api_keys (id, project_id, ${FIELDS}, key_hash, is_private, created_at, updated_at)
     VALUES (@id, @project, ${KEY_FIELD_NAMES.map(field => `@${field}`).join(', ')}, @hash, @is_private, @now, @now)`)
  // One UPDATE per set of fields given (a bit each), made on first use: a field absent stays, a field given is written.
  const updates: Array<Statement<Record<string, unknown>, UpdatedKey> | undefined> = []
  const updateOf = (given: number): Statement<Record<string, unknown>, UpdatedKey> => {
    let statement = updates[given]
    if (statement === undefined) {
      const fields = KEY_FIELD_NAMES.filter((_field, bit) => (given & (1 << bit)) !== 0)
      // updated_at moves forward strictly, even twice in one millisecond or from two processes.
      // RETURNING is read with .all(): in autocommit, .get() leaves the statement open and WAL checkpoints never finish.
      statement = db.prepare<Record<string, unknown>, UpdatedKey>(
        `UPDATE api_keys SET ${fields.map(field => `${field} = @${field}, `).join('')}updated_at = max(@now, updated_at + 1)
         WHERE id = @id AND project_id = @project
         RETURNING id, ${FIELDS}, updated_at`)
      updates[given] = statement
    }
    return statement
  }
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
      const values: Record<string, unknown> = { id: key.id, project: key.projectId, hash: key.hash, is_private: key.isPrivate ? 1 : 0, now: key.now }
      for (const field of KEY_FIELD_NAMES) values[field] = key[field] ?? null
      insert.run(values)
    },
    /** Writes the fields given (absent ones stay); undefined when the key is not in that project. */
    update (projectId: string, keyId: string, changes: Partial<KeyFields>, now: number): UpdatedKey | undefined {
      const values: Record<string, unknown> = { project: projectId, id: keyId, now }
      let given = 0
      for (let bit = 0; bit < KEY_FIELD_NAMES.length; bit++) {
        const field = KEY_FIELD_NAMES[bit]!
        if (changes[field] === undefined) continue
        given |= 1 << bit
        values[field] = changes[field]
      }
      return updateOf(given).all(values)[0]
    },
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
