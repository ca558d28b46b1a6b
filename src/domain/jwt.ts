import { createSigner, createVerifier, TokenError } from 'fast-jwt'
import { remember } from './remembered.js'
import type { SigningKey, SigningKeySource } from './signing-key.js'

// User tokens (docs/api.md, "Authentication and status codes"): HS256 with the configured secret, RS256 with the
// server's key pair. Signatures and the iss, aud and required claims are fast-jwt's (the engine of @fastify/jwt);
// what the server pins around it is its own: which algorithm each key is for, no critical extensions, a kid naming the
// server's key, one spelling of a signature, and the time window judged at every use of a remembered token.

export interface JwtSettings {
  secret: string
  issuer?: string | undefined
  audience?: string | undefined
  /** Seconds of leeway for `exp` and `nbf`. */
  clockTolerance?: number
  /** The server's RSA key pair: with it, RS256 tokens are signed and accepted too. */
  signingKey?: SigningKeySource | undefined
}

/** A token that passed, with the window (epoch ms, tolerance included) in which it stays valid. */
export interface VerifiedToken { sub: string, validFrom: number, validUntil: number }
export type JwtResult = ({ ok: true } & VerifiedToken) | { ok: false, reason: string }

type Sign = (claims: Record<string, unknown>) => string
type Verify = (token: string) => Record<string, unknown>

// One entry per algorithm the server accepts, each with its own key: one algorithm per key.
interface Algorithm {
  sign: () => Sign
  /** undefined when there is no key to verify with (no RS256 key made yet). */
  verify: () => Verify | undefined
  /** The kid a token of this algorithm carries and may name, if any. */
  kid?: () => string | undefined
}

const MAX_TOKEN_LENGTH = 8192
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

export function looksLikeJwt (token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token)
}

/** What fast-jwt checks of every token, for our window: signature, required claims, iss and aud; times are ours. */
function verifier (key: string | Buffer, algorithm: 'HS256' | 'RS256', settings: JwtSettings): Verify {
  return createVerifier({
    key,
    algorithms: [algorithm],
    // fast-jwt checks iss and aud only when a token has them: configured, they are required.
    requiredClaims: ['exp', 'sub', ...(settings.issuer === undefined ? [] : ['iss']), ...(settings.audience === undefined ? [] : ['aud'])],
    ignoreExpiration: true,
    ignoreNotBefore: true,
    cache: false,
    ...(settings.issuer === undefined ? {} : { allowedIss: settings.issuer }),
    ...(settings.audience === undefined ? {} : { allowedAud: settings.audience })
  }) as Verify
}

function hs256 (settings: JwtSettings): Algorithm {
  const key = Buffer.from(settings.secret)
  // No noTimestamp: it would drop the iat each token is given (fast-jwt keeps a given iat).
  const signer = createSigner({ key, algorithm: 'HS256' })
  const verify = verifier(key, 'HS256', settings)
  return { sign: () => signer, verify: () => verify }
}

function rs256 (source: SigningKeySource, settings: JwtSettings): Algorithm {
  // Made once per key pair: the key is made on first use, or read from the database when another process made it.
  let signing: { key: SigningKey, sign: Sign } | undefined
  let verifying: { key: SigningKey, verify: Verify } | undefined
  return {
    sign: () => {
      const key = source.current()
      if (signing?.key !== key) {
        const pem = key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
        signing = { key, sign: createSigner({ key: pem, algorithm: 'RS256', kid: key.kid }) }
      }
      return signing.sign
    },
    verify: () => {
      const key = source.existing()
      if (key === undefined) return undefined
      if (verifying?.key !== key) verifying = { key, verify: verifier(key.publicKey.export({ format: 'pem', type: 'spki' }) as string, 'RS256', settings) }
      return verifying.verify
    },
    kid: () => source.existing()?.kid
  }
}

function decodeJson (segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** fast-jwt's refusal, as the reason the log gives. */
function reasonOf (error: unknown): string {
  if (!(error instanceof TokenError)) throw error
  switch (error.code) {
    case TokenError.codes.invalidSignature: return 'bad signature'
    case TokenError.codes.missingRequiredClaim: {
      const claim = /The (\w+) claim/.exec(error.message)?.[1]
      return claim === 'iss' ? 'wrong issuer' : claim === 'aud' ? 'wrong audience' : `missing ${claim ?? 'claim'}`
    }
    case TokenError.codes.invalidClaimValue: return /\biss\b/.test(error.message) ? 'wrong issuer' : /\baud\b/.test(error.message) ? 'wrong audience' : 'invalid claim'
    case TokenError.codes.invalidClaimType: return 'malformed claim'
    case TokenError.codes.malformed:
    case TokenError.codes.invalidPayload: return 'malformed payload'
    default: return error.code
  }
}

export function createJwtService (settings: JwtSettings) {
  const tolerance = settings.clockTolerance ?? 30
  const algorithms = new Map<string, Algorithm>([['HS256', hs256(settings)]])
  if (settings.signingKey !== undefined) algorithms.set('RS256', rs256(settings.signingKey, settings))

  function sign (sub: string, options: { expiresIn: number, now?: number, alg?: string }): string {
    const alg = options.alg ?? 'HS256'
    const algorithm = algorithms.get(alg)
    if (algorithm === undefined) throw new Error(`unsupported algorithm ${alg}`)
    const iat = Math.floor((options.now ?? Date.now()) / 1000)
    return algorithm.sign()({
      sub,
      iat,
      exp: iat + options.expiresIn,
      ...(settings.issuer === undefined ? {} : { iss: settings.issuer }),
      ...(settings.audience === undefined ? {} : { aud: settings.audience })
    })
  }

  // Tokens whose signature and fixed claims passed, by their exact text: a client reuses its token, and the
  // verification then runs once. Only the time window is judged on every use.
  const verified = new Map<string, VerifiedToken>()
  const stats = { hits: 0, misses: 0 }

  function inTime (token: VerifiedToken, now: number): JwtResult {
    if (now > token.validUntil) return { ok: false, reason: 'expired' }
    if (now < token.validFrom) return { ok: false, reason: 'not yet valid' }
    return { ok: true, ...token }
  }

  /** Checks signature and claims; the reason is for logs only, never for the client. */
  function verify (token: string, now = Date.now()): JwtResult {
    const known = verified.get(token)
    if (known !== undefined) {
      stats.hits++
      return inTime(known, now)
    }
    stats.misses++
    if (!looksLikeJwt(token)) return { ok: false, reason: 'not a JWT' }
    const [head, , signature] = token.split('.') as [string, string, string]
    const header = decodeJson(head)
    if (header === undefined) return { ok: false, reason: 'malformed header' }
    // The algorithm is pinned by the server's keys, never chosen by the token ("none" is never in the map).
    const algorithm = typeof header.alg === 'string' ? algorithms.get(header.alg) : undefined
    if (algorithm === undefined) return { ok: false, reason: `algorithm ${String(header.alg)} not accepted` }
    if (header.crit !== undefined) return { ok: false, reason: 'critical header extensions are not supported' }
    // kid, jku, x5u and jwk never choose key material; a kid, when the key has one, must be that key's.
    if (algorithm.kid !== undefined && header.kid !== undefined && header.kid !== algorithm.kid()) return { ok: false, reason: 'unknown kid' }
    // One spelling of a signature: base64url's last character may carry unused bits, and a second spelling of the
    // same bytes would be a second token that passes.
    if (Buffer.from(signature, 'base64url').toString('base64url') !== signature) return { ok: false, reason: 'bad signature' }
    const check = algorithm.verify()
    if (check === undefined) return { ok: false, reason: 'bad signature' }
    let claims: Record<string, unknown>
    try {
      claims = check(token)
    } catch (error) {
      return { ok: false, reason: reasonOf(error) }
    }
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return { ok: false, reason: 'missing exp' }
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || !Number.isFinite(claims.nbf))) return { ok: false, reason: 'malformed nbf' }
    if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, reason: 'missing sub' }
    const checked: VerifiedToken = {
      sub: claims.sub,
      validFrom: claims.nbf === undefined ? Number.NEGATIVE_INFINITY : ((claims.nbf as number) - tolerance) * 1000,
      validUntil: (claims.exp + tolerance) * 1000
    }
    remember(verified, token, checked)
    return inTime(checked, now)
  }

  /** Tokens answered from memory (hits) and all others (misses), since the start (for tests and the bench). */
  const counts = (): Readonly<typeof stats> => ({ ...stats })

  return { sign, verify, stats: counts }
}

export type JwtService = ReturnType<typeof createJwtService>
