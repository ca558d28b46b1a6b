import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Clock } from '../clock.js'
import { writeTransaction, type Db } from '../db/database.js'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** The public key as published at the JWKS route. */
  jwk: { kty: 'RSA', n: string, e: string, kid: string, alg: 'RS256', use: 'sig' }
}

export class SigningKeyError extends Error {}

const MIN_MODULUS_BITS = 2048

/** RFC 7638 thumbprint: the same key always gets the same kid, wherever it is loaded. */
function thumbprint (n: string, e: string): string {
  return createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url')
}

function toSigningKey (privateKey: KeyObject, source: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new SigningKeyError(`${source}: not an RSA private key (got ${privateKey.asymmetricKeyType ?? 'unknown'})`)
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < MIN_MODULUS_BITS) throw new SigningKeyError(`${source}: the RSA key must have at least ${MIN_MODULUS_BITS} bits (got ${bits})`)
  const publicKey = createPublicKey(privateKey)
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string, e: string }
  const kid = thumbprint(n, e)
  return { kid, privateKey, publicKey, jwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } }
}

/** Reads an RSA private key from a PEM file (PKCS#8 or PKCS#1). */
export function readSigningKeyFile (path: string): SigningKey {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (error) {
    throw new SigningKeyError(`cannot read JWT_PRIVATE_KEY_FILE ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    throw new SigningKeyError(`JWT_PRIVATE_KEY_FILE ${path} is not a PEM private key`)
  }
  return toSigningKey(key, `JWT_PRIVATE_KEY_FILE ${path}`)
}

/** Where the RS256 key comes from: `current` creates it when needed, `existing` never does (verifying needs a key that signed). */
export interface SigningKeySource {
  current: () => SigningKey
  existing: () => SigningKey | undefined
}

export function fixedSigningKey (key: SigningKey): SigningKeySource {
  return { current: () => key, existing: () => key }
}

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
