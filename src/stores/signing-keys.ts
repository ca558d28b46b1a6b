// Where the RS256 key pair is kept when no PEM file is configured: in the database, so tokens outlive a restart.
// Rows in and out; making a key and when is the tokens operation's (src/operations/tokens.ts).
import type { Db } from '../db/database.js'

export function createSigningKeyStore (db: Db) {
  const first = db.prepare<[], { private_pem: string }>('SELECT private_pem FROM signing_keys ORDER BY created_at, kid LIMIT 1')
  const insert = db.prepare<[string, string, string, number]>('INSERT INTO signing_keys (kid, alg, private_pem, created_at) VALUES (?, ?, ?, ?)')
  return {
    /** The PEM of the key every opener of this database uses: the first made. */
    firstPem: (): string | undefined => first.all()[0]?.private_pem,
    /** Inside the caller's write transaction: keeps this RS256 key unless one is kept already (whoever commits first wins). */
    addIfNone (kid: string, pem: string, now: number): void {
      if (first.all()[0] === undefined) insert.run(kid, 'RS256', pem, now)
    }
  }
}

export type SigningKeyStore = ReturnType<typeof createSigningKeyStore>
