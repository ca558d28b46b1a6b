// API keys that matched, remembered by the SHA-256 of their secret: a client sends the same key again and again,
// and the index lookup with its read lock was a fifth of an API-key PATCH.
//
// The memory cannot go stale, by construction rather than by care:
// - this connection's writes: temporary triggers on api_keys call forget_key() for every row whose secret, roles or
//   project changes or that is deleted, whatever statement does it (a store, a fixture, a reset's cascade, a test's
//   raw SQL), so no write path can forget to forget;
// - other connections' commits (a second server, the CLI): PRAGMA data_version moves, and everything is forgotten.
//   It is read once per transaction of the unit of work (sync(), at its start): about 3 us a read, it was an eighth
//   of an API-key PATCH when read at every lookup. Outside a transaction (the authentication hook's early check) it is
//   not read: that answer only decides an early 401, and the operation asks again inside its transaction;
// - a transaction that rolls back: nothing is remembered inside a transaction, so nothing it read can outlive it.
import type { Db } from '../db/database.js'
import { hasAdminRole, type Principal } from '../domain/credential.js'
import { remember } from '../domain/remembered.js'
import type { KeyStore } from './keys.js'

export type KeyPrincipal = Principal & { kind: 'key' }

export function createKeyMemory (db: Db, keys: KeyStore) {
  const remembered = new Map<string, KeyPrincipal>()
  const stats = { hits: 0, misses: 0 }
  db.function('forget_key', (hash: unknown) => {
    if (Buffer.isBuffer(hash)) remembered.delete(hash.toString('latin1'))
    return null
  })
  db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS forget_changed_key AFTER UPDATE OF key_hash, roles, project_id ON api_keys
      WHEN OLD.key_hash IS NOT NEW.key_hash OR OLD.roles IS NOT NEW.roles OR OLD.project_id IS NOT NEW.project_id
      BEGIN SELECT forget_key(OLD.key_hash); END;
    CREATE TEMP TRIGGER IF NOT EXISTS forget_deleted_key AFTER DELETE ON api_keys
      BEGIN SELECT forget_key(OLD.key_hash); END;`)
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck()
  let seenVersion: number | undefined
  // Whether data_version was read in the transaction now open: until it is, find() reads it itself.
  let synced = false
  const sync = (): void => {
    const version = dataVersion.get()
    if (version !== seenVersion) {
      remembered.clear()
      seenVersion = version
    }
  }

  return {
    /** At the start of a write transaction: what other connections committed before it is taken into account. */
    sync (): void {
      sync()
      synced = true
    },
    /** At its end (commit or rollback). */
    release (): void {
      synced = false
    },

    /**
     * The live key whose secret has this digest (`memo` is the digest as a latin1 string): as of now inside a
     * transaction; outside one, as of the last transaction (an early answer, to be confirmed inside one).
     */
    find (hash: Buffer, memo: string): KeyPrincipal | undefined {
      if (db.inTransaction && !synced) sync()
      const known = remembered.get(memo)
      if (known !== undefined) {
        stats.hits++
        return known
      }
      stats.misses++
      const row = keys.byHash(hash)
      if (row === undefined) return undefined
      const principal: KeyPrincipal = { kind: 'key', keyId: row.id, projectId: row.project_id, roles: row.roles, admin: hasAdminRole(row.roles) }
      if (!db.inTransaction) {
        // As many as src/domain/remembered.ts says; the oldest goes first.
        remember(remembered, memo, principal)
      }
      return principal
    },

    /** Lookups answered from memory and from the table, since the start (for tests and the bench). */
    stats: (): Readonly<typeof stats> => ({ ...stats })
  }
}

export type KeyMemory = ReturnType<typeof createKeyMemory>
