import { createHmac, sign as rsaSign, timingSafeEqual, verify as rsaVerify } from 'node:crypto'
import type { SigningKeySource } from './signing-key.js'

// User tokens (docs/api.md, "Authentication and status codes"): HS256 with the configured secret, RS256 with the server's key pair.

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

// One entry per algorithm the server accepts, each with its own key: one algorithm per key.
interface Algorithm {
  sign: (input: string) => Buffer
  /** signature is the token's third segment, still base64url-encoded. */
  verify: (input: string, signature: string) => boolean
  /** The kid a token of this algorithm carries and may name, if any. */
  kid?: () => string | undefined
}

const MAX_TOKEN_LENGTH = 8192
const VERIFIED_CACHE_SIZE = 1000
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

export function looksLikeJwt (token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token)
}

function hs256 (secret: string): Algorithm {
  const key = Buffer.from(secret)
  const sign = (input: string): Buffer => createHmac('sha256', key).update(input).digest()
  return {
    sign,
    // Compared as canonical base64url text, so no second encoding of the same bytes passes.
    verify: (input, signature) => {
      const expected = Buffer.from(sign(input).toString('base64url'))
      const given = Buffer.from(signature)
      return given.length === expected.length && timingSafeEqual(given, expected)
    }
  }
}

function rs256 (source: SigningKeySource): Algorithm {
  return {
    sign: input => rsaSign('sha256', Buffer.from(input), source.current().privateKey),
    verify: (input, signature) => {
      const key = source.existing()
      if (key === undefined) return false
      const bytes = Buffer.from(signature, 'base64url')
      // Only the canonical encoding: no second spelling of the same signature passes.
      return bytes.toString('base64url') === signature && rsaVerify('sha256', Buffer.from(input), key.publicKey, bytes)
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

function encodeJson (value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

export function createJwtService (settings: JwtSettings) {
  const tolerance = settings.clockTolerance ?? 30
  const algorithms = new Map<string, Algorithm>([['HS256', hs256(settings.secret)]])
  if (settings.signingKey !== undefined) algorithms.set('RS256', rs256(settings.signingKey))

  function sign (sub: string, options: { expiresIn: number, now?: number, alg?: string }): string {
    const alg = options.alg ?? 'HS256'
    const algorithm = algorithms.get(alg)
    if (algorithm === undefined) throw new Error(`unsupported algorithm ${alg}`)
    const iat = Math.floor((options.now ?? Date.now()) / 1000)
    const claims = {
      sub,
      iat,
      exp: iat + options.expiresIn,
      ...(settings.issuer === undefined ? {} : { iss: settings.issuer }),
      ...(settings.audience === undefined ? {} : { aud: settings.audience })
    }
    const input = `${encodeJson({ alg, typ: 'JWT', ...(alg === 'RS256' ? { kid: settings.signingKey!.current().kid } : {}) })}.${encodeJson(claims)}`
    return `${input}.${algorithm.sign(input).toString('base64url')}`
  }

  // Tokens whose signature and fixed claims passed, by their exact text: a client reuses its token, and its
  // HMAC or RSA check and two JSON parses then run once. Only the time claims are checked on every use.
  const verified = new Map<string, VerifiedToken>()

  function inTime (token: VerifiedToken, now: number): JwtResult {
    if (now > token.validUntil) return { ok: false, reason: 'expired' }
    if (now < token.validFrom) return { ok: false, reason: 'not yet valid' }
    return { ok: true, ...token }
  }

  /** Checks signature and claims; the reason is for logs only, never for the client. */
  function verify (token: string, now = Date.now()): JwtResult {
    const known = verified.get(token)
    if (known !== undefined) return inTime(known, now)
    if (!looksLikeJwt(token)) return { ok: false, reason: 'not a JWT' }
    const [head, body, signature] = token.split('.') as [string, string, string]
    const header = decodeJson(head)
    if (header === undefined) return { ok: false, reason: 'malformed header' }
    // The algorithm is pinned by the server's keys, never chosen by the token ("none" is never in the map).
    const algorithm = typeof header.alg === 'string' ? algorithms.get(header.alg) : undefined
    if (algorithm === undefined) return { ok: false, reason: `algorithm ${String(header.alg)} not accepted` }
    if (header.crit !== undefined) return { ok: false, reason: 'critical header extensions are not supported' }
    // kid, jku, x5u and jwk never choose key material; a kid, when the key has one, must be that key's.
    if (algorithm.kid !== undefined && header.kid !== undefined && header.kid !== algorithm.kid()) return { ok: false, reason: 'unknown kid' }
    if (!algorithm.verify(`${head}.${body}`, signature)) return { ok: false, reason: 'bad signature' }
    const claims = decodeJson(body)
    if (claims === undefined) return { ok: false, reason: 'malformed payload' }
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return { ok: false, reason: 'missing exp' }
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || !Number.isFinite(claims.nbf))) return { ok: false, reason: 'malformed nbf' }
    if (typeof claims.sub !== 'string' || claims.sub === '') return { ok: false, reason: 'missing sub' }
    if (settings.issuer !== undefined && claims.iss !== settings.issuer) return { ok: false, reason: 'wrong issuer' }
    if (settings.audience !== undefined) {
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      if (!audiences.includes(settings.audience)) return { ok: false, reason: 'wrong audience' }
    }
    const checked: VerifiedToken = {
      sub: claims.sub,
      validFrom: claims.nbf === undefined ? Number.NEGATIVE_INFINITY : ((claims.nbf as number) - tolerance) * 1000,
      validUntil: (claims.exp + tolerance) * 1000
    }
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!)
    verified.set(token, checked)
    return inTime(checked, now)
  }

  return { sign, verify }
}

export type JwtService = ReturnType<typeof createJwtService>
