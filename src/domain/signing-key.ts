// The RSA key pair of RS256 user tokens: loaded from PEM, checked, and named by its RFC 7638 thumbprint.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { FileTooLargeError, readBoundedFile, sizeText } from './bounded-file.js'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  /** The public key as published at the JWKS route. */
  jwk: { kty: 'RSA', n: string, e: string, kid: string, alg: 'RS256', use: 'sig' }
}

export class SigningKeyError extends Error {}

export const MIN_MODULUS_BITS = 2048

/** RFC 7638 thumbprint: the same key always gets the same kid, wherever it is loaded. */
function thumbprint (n: string, e: string): string {
  return createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url')
}

export function toSigningKey (privateKey: KeyObject, source: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'rsa') throw new SigningKeyError(`${source}: not an RSA private key (got ${privateKey.asymmetricKeyType ?? 'unknown'})`)
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < MIN_MODULUS_BITS) throw new SigningKeyError(`${source}: the RSA key must have at least ${MIN_MODULUS_BITS} bits (got ${bits})`)
  const publicKey = createPublicKey(privateKey)
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string, e: string }
  const kid = thumbprint(n, e)
  return { kid, privateKey, publicKey, jwk: { kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' } }
}

/** A PEM RSA key of 16,384 bits is about 12 KiB. */
const PEM_FILE_LIMIT = 64 * 1024

/** Reads an RSA private key from a PEM file (PKCS#8 or PKCS#1). */
export function readSigningKeyFile (path: string): SigningKey {
  let pem: string
  try {
    pem = readBoundedFile(path, PEM_FILE_LIMIT).toString('utf8')
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new SigningKeyError(`JWT_PRIVATE_KEY_FILE ${path} is larger than ${sizeText(PEM_FILE_LIMIT)}, so it is no PEM private key (a device such as /dev/zero never ends): set it to the PEM file of an RSA key`)
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
