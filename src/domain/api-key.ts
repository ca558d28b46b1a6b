import { createHash, randomBytes } from 'node:crypto'

// A fixed prefix: a key is never mistaken for a JWT, and secret scanners can spot it.
export const API_KEY_PREFIX = 'basic_key_'

/** A new secret: the prefix and 32 random bytes as 43 base64url characters. */
export function generateApiKey (): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url')
}

export function hashApiKey (secret: string): Buffer {
  return createHash('sha256').update(secret).digest()
}

export function looksLikeApiKey (token: string): boolean {
  return token.startsWith(API_KEY_PREFIX)
}
