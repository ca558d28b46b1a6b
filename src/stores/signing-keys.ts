// Where the RS256 key pair is kept when no PEM file is configured: in the database, so tokens outlive a restart.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import type { Clock } from '../domain/clock.js'
import { fixedSigningKey, MIN_MODULUS_BITS, readSigningKeyFile, toSigningKey, type SigningKey, type SigningKeySource } from '../domain/signing-key.js'
import { writeTransaction, type Db } from '../db/database.js'

export type { SigningKey, SigningKeySource }

/**
 * The configured PEM file's key, or the database's, generated on first use (~200 ms, so never at start):
 * two processes on one file agree on one key.
 */
export function signingKeySource (db: Db, clock: Clock, file?: string): SigningKeySource {
  if (file !== undefined) return fixedSigningKey(readSigningKeyFile(file))
  const select = db.prepare<[], { private_pem: string }>('SELECT private_pem FROM signing_keys ORDER BY created_at, kid LIMIT 1')
  let key: SigningKey | undefined
  const stored = (): SigningKey | undefined => {
    const row = select.all()[0]
    return row === undefined ? undefined : toSigningKey(createPrivateKey(row.private_pem), 'stored signing key')
  }
  return {
    existing: () => (key ??= stored()),
    current: () => {
      key ??= stored()
      if (key !== undefined) return key
      // Generated outside the write lock; whoever commits first wins and the other reads it back.
      const generated = toSigningKey(generateKeyPairSync('rsa', { modulusLength: MIN_MODULUS_BITS }).privateKey, 'generated key')
      writeTransaction(db, () => {
        if (select.all()[0] !== undefined) return
        const pem = generated.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
        db.prepare('INSERT INTO signing_keys (kid, alg, private_pem, created_at) VALUES (?, ?, ?, ?)').run(generated.kid, 'RS256', pem, clock.now())
      })
      key = stored()!
      return key
    }
  }
}
