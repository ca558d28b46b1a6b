// User tokens: the service that signs and verifies them for a world, and minting one the server accepts
// (POST /__admin/tokens, `token` at the CLI, startMockServer's token()).
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { DURATION_HINT, MAX_DURATION_S, MAX_DURATION_TEXT, parseDuration } from '../domain/duration.js'
import { systemClock, type Clock } from '../domain/clock.js'
import { createJwtService, type JwtService, type JwtSettings } from '../domain/jwt.js'
import { fixedSigningKey, MIN_MODULUS_BITS, readSigningKeyFile, toSigningKey, type SigningKey, type SigningKeySource } from '../domain/signing-key.js'
import { badInput, done, refused, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'

export interface TokenSettings extends Omit<JwtSettings, 'signingKey'> {
  /** A PEM file with the RS256 private key; without it the world's database keeps a generated one. */
  privateKeyFile?: string | undefined
}

/**
 * The JWT service: HS256 with the secret, RS256 with the key pair of the PEM file or, without one, of the world's
 * database. Without either (no world given) it signs and accepts HS256 only.
 */
export function tokenService (settings: TokenSettings, world?: World): { jwt: JwtService, signingKey: SigningKeySource | undefined } {
  const { privateKeyFile, ...jwtSettings } = settings
  // Real time, not the clock: making the key on first use must not take a CLOCK tick that a run after a reset would not.
  const signingKey = privateKeyFile !== undefined ? fixedSigningKey(readSigningKeyFile(privateKeyFile)) : world === undefined ? undefined : storedSigningKey(world, systemClock)
  return { jwt: createJwtService({ ...jwtSettings, signingKey }), signingKey }
}

/**
 * The key pair kept in the world's database, generated on first use (~200 ms, so never at start) and stamped with the
 * clock's time: two processes on one file agree on one key.
 */
export function storedSigningKey (world: World, clock: Clock): SigningKeySource {
  let key: SigningKey | undefined
  const stored = (): SigningKey | undefined => {
    const pem = world.signingKeys.firstPem()
    return pem === undefined ? undefined : toSigningKey(createPrivateKey(pem), 'stored signing key')
  }
  return {
    existing: () => (key ??= stored()),
    current: () => {
      key ??= stored()
      if (key !== undefined) return key
      // Generated outside the write lock; whoever commits first wins and the other reads it back.
      const generated = toSigningKey(generateKeyPairSync('rsa', { modulusLength: MIN_MODULUS_BITS }).privateKey, 'generated key')
      const pem = generated.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
      world.transactNow(() => { world.signingKeys.addIfNone(generated.kid, pem, clock.now()) })
      key = stored()!
      return key
    }
  }
}

export const ALGORITHMS = ['HS256', 'RS256'] as const
export type Algorithm = typeof ALGORITHMS[number]

export interface MintedToken {
  token: string
  alg: Algorithm
  expires_at: string
}

/** `alg` and `expiresIn` as the caller wrote them; a refusal's `field` is 'alg' or 'expiresIn', for each front door to name in its own terms. */
export function mintToken (jwt: JwtService, input: { user: string, alg?: string | undefined, expiresIn?: string | undefined }, now = Date.now()): Outcome<MintedToken> {
  const alg = input.alg ?? 'HS256'
  if (!(ALGORITHMS as readonly string[]).includes(alg)) return refused(badInput('alg', 'alg', `must be HS256 or RS256 (got ${JSON.stringify(alg)})`))
  const expiresText = input.expiresIn ?? '1h'
  const expiresIn = parseDuration(expiresText)
  if (expiresIn === undefined) return refused(badInput('expires-in', 'expiresIn', `must ${DURATION_HINT} (got ${JSON.stringify(expiresText)})`))
  if (expiresIn > MAX_DURATION_S) return refused(badInput('expires-in', 'expiresIn', `must be at most ${MAX_DURATION_TEXT} (got ${JSON.stringify(expiresText)})`))
  const token = jwt.sign(input.user, { expiresIn, alg, now })
  return done({
    token,
    alg: alg as Algorithm,
    expires_at: new Date((Math.floor(now / 1000) + expiresIn) * 1000).toISOString()
  })
}

/** Whether the world's data knows this user: a token for anyone else is accepted but sees no project. */
export const isKnownUser = (world: World, user: string): boolean => world.members.userExists(user)
