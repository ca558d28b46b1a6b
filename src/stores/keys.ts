import { randomUUID, timingSafeEqual } from 'node:crypto'
import type { Clock } from '../clock.js'
import { immediateTransaction, type Db } from '../db/database.js'
import { groupCommit } from '../db/group-commit.js'
import type { HttpError } from '../errors.js'
import { generateApiKey, hashApiKey } from '../services/api-key.js'

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

export interface UpdateOptions {
  /** Run inside the write transaction, before anything changes: a refusal stops the update. */
  refusal?: () => HttpError | undefined
  usedKeyId?: string | undefined
}

export interface FoundKey { id: string, projectId: string, roles: string }

/** How many matched keys findBySecret remembers; the oldest goes first. */
const MATCHED_KEYS = 1000

export type UpdatedKey = Pick<KeyRow, 'id' | 'label' | 'roles' | 'updated_at'>
export type ListedKey = Pick<KeyRow, 'id' | 'label' | 'roles' | 'is_private' | 'last_used' | 'created_at'>

/** The API keys table: lookups by secret, and the writes of the key operations. */
export function createKeyStore (db: Db, clock: Clock) {
  const byHash = db.prepare<[Buffer], Pick<KeyRow, 'id' | 'project_id' | 'roles' | 'key_hash'>>(
    'SELECT id, project_id, roles, key_hash FROM api_keys WHERE key_hash = ?')
  // updated_at moves forward strictly, even twice in one millisecond or from two processes.
  // RETURNING is read with .all(): in autocommit, .get() leaves the statement open and WAL checkpoints never finish.
  const update = db.prepare<{ project: string, id: string, label: string | null, roles: string | null, now: number }, UpdatedKey>(
    `UPDATE api_keys SET label = coalesce(@label, label), roles = coalesce(@roles, roles),
       updated_at = max(@now, updated_at + 1)
     WHERE id = @id AND project_id = @project
     RETURNING id, label, roles, updated_at`)
  const touch = db.prepare<[number, string]>('UPDATE api_keys SET last_used = ? WHERE id = ?')
  const insert = db.prepare<[string, string, string, string, Buffer, number, number]>(
    `INSERT INTO api_keys (id, project_id, label, roles, key_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`)
  // Creation order; rowid breaks ties within one millisecond.
  const list = db.prepare<[string], ListedKey>(
    'SELECT id, label, roles, is_private, last_used, created_at FROM api_keys WHERE project_id = ? ORDER BY created_at, rowid')
  const get = db.prepare<[string, string], ListedKey>(
    'SELECT id, label, roles, is_private, last_used, created_at FROM api_keys WHERE project_id = ? AND id = ?')
  const remove = db.prepare<[string, string]>('DELETE FROM api_keys WHERE project_id = ? AND id = ?')
  const rehash = db.prepare<{ project: string, id: string, hash: Buffer, now: number }, ListedKey>(
    `UPDATE api_keys SET key_hash = @hash, updated_at = max(@now, updated_at + 1)
     WHERE id = @id AND project_id = @project
     RETURNING id, label, roles, is_private, last_used, created_at`)

  // Keys that matched, by the SHA-256 of their secret: a client sends the same key again and again, and the
  // index lookup with its read lock was a fifth of an API-key PATCH. A hit stands only while nothing could have
  // changed what a secret means: every write of this store that can (roles, regenerate, delete) forgets them all,
  // and so does a commit by any other connection, which PRAGMA data_version shows (this connection's own commits
  // do not move it). The database plugin's reset forgets them too. Secrets that did not match are never kept.
  const matched = new Map<string, FoundKey>()
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck()
  let matchedAt: number | undefined
  const forget = (): void => { matched.clear() }

  // A refusal decided inside the transaction is returned, not thrown: throwing would roll back the whole turn's batch.
  const updateAndTouch = groupCommit(db, (args: { project: string, id: string, label: string | null, roles: string | null }, options: UpdateOptions): UpdatedKey | HttpError | undefined => {
    const refusal = options.refusal?.()
    if (refusal !== undefined) return refusal
    if (args.roles !== null) forget()
    const updated = update.all({ ...args, now: clock.now() })[0]
    if (updated !== undefined && options.usedKeyId !== undefined) touch.run(clock.now(), options.usedKeyId)
    return updated
  })
  const touchOne = immediateTransaction(db, (keyId: string) => touch.run(clock.now(), keyId))
  const removeOne = immediateTransaction(db, (projectId: string, keyId: string) => {
    forget()
    return remove.run(projectId, keyId).changes === 1
  })
  const rehashOne = immediateTransaction(db, (projectId: string, keyId: string, hash: Buffer) => {
    forget()
    return rehash.all({ project: projectId, id: keyId, hash, now: clock.now() })[0]
  })
  const insertOne = immediateTransaction(db, (...row: [string, string, string, string, Buffer, number, number]) => insert.run(...row))

  return {
    /** The live key whose secret this is, if any. */
    findBySecret (secret: string): FoundKey | undefined {
      const hash = hashApiKey(secret)
      const version = dataVersion.get()
      if (version !== matchedAt) {
        forget()
        matchedAt = version
      }
      const remembered = hash.toString('latin1')
      const known = matched.get(remembered)
      if (known !== undefined) return known
      const row = byHash.get(hash)
      // The index finds the row; the final comparison still runs without early exit.
      if (row === undefined || !timingSafeEqual(row.key_hash, hash)) return undefined
      const found = { id: row.id, projectId: row.project_id, roles: row.roles }
      if (matched.size >= MATCHED_KEYS) matched.delete(matched.keys().next().value!)
      matched.set(remembered, found)
      return found
    },

    /** Forgets the keys findBySecret remembers, for a write made outside this store (a reset). */
    forget,

    /**
     * Applies a PATCH atomically, committed with the other writes of this event-loop turn (db/group-commit.ts):
     * the refusal `options.refusal` returns (checked in the same transaction), undefined when the key is not in
     * that project, or the updated key. `options.usedKeyId`, the calling key, gets its last_used in the same
     * transaction: both happen or neither.
     */
    update (projectId: string, keyId: string, changes: { label?: string | undefined, roles?: string | undefined }, options: UpdateOptions = {}): Promise<UpdatedKey | HttpError | undefined> {
      return updateAndTouch({ project: projectId, id: keyId, label: changes.label ?? null, roles: changes.roles ?? null }, options)
    },

    touch (keyId: string): void {
      touchOne(keyId)
    },

    list: (projectId: string): ListedKey[] => list.all(projectId),

    get: (projectId: string, keyId: string): ListedKey | undefined => get.all(projectId, keyId)[0],

    /** Deletes for good; false when the key is not in that project. */
    remove: (projectId: string, keyId: string): boolean => removeOne(projectId, keyId),

    /** A new secret for the key, returned this once; the old one stops matching with this commit. */
    regenerate (projectId: string, keyId: string): (ListedKey & { secret: string }) | undefined {
      const secret = generateApiKey()
      const key = rehashOne(projectId, keyId, hashApiKey(secret))
      return key === undefined ? undefined : { ...key, secret }
    },

    /** Creates a key with a new secret, returned this once. */
    create (projectId: string, key: { label: string, roles: string }) {
      const id = randomUUID()
      const secret = generateApiKey()
      const now = clock.now()
      insertOne(id, projectId, key.label, key.roles, hashApiKey(secret), now, now)
      return { id, secret, created_at: now }
    }
  }
}

export type KeyStore = ReturnType<typeof createKeyStore>
