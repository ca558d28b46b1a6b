// Who is calling (docs/api.md, "Authentication and status codes"): the bearer a request carries, what it is (an API key or a user's JWT), and
// what it may do with a project. Pure: the stores look the credential up, operations decide with these rules.
import { hashApiKey, looksLikeApiKey } from './api-key.js'
import type { VerifiedToken } from './jwt.js'
import { remember } from './remembered.js'
import { INSUFFICIENT_SCOPE, MISSING_CREDENTIALS, notVisible, unknownCredential, type Refusal } from './refusal.js'

/**
 * A bearer as the server keeps it for the life of a request: never the secret itself, so that nothing downstream
 * can log it. It is resolved again (principalOf in src/operations/access.ts) when the operation acts.
 */
export type Credential =
  /** An API key: the SHA-256 of its secret, and that digest as a string key for maps. */
  | { kind: 'key', hash: Buffer, memo: string }
  | ({ kind: 'user' } & VerifiedToken)
  /** The operator at the CLI or a consumer's own test code: trusted, acting on any project that exists. */
  | { kind: 'system' }

/** A credential resolved against the data at one moment. */
export type Principal =
  | { kind: 'key', keyId: string, projectId: string, roles: string, admin: boolean }
  | { kind: 'user', userId: string }
  | { kind: 'system' }

export type MemberRole = 'owner' | 'admin' | 'member'

export const SYSTEM: Credential & Principal = { kind: 'system' }

/**
 * The token of an Authorization header, or the refusal it earns: the scheme is case-insensitive, spaces or tabs
 * may follow it, and a token holding whitespace is no token. The same reading for key routes and the control plane.
 */
export function parseBearer (header: string | undefined): string | Refusal {
  if (header === undefined) return MISSING_CREDENTIALS
  const match = /^(\S+)(?:[ \t]+(.*))?$/.exec(header)
  if (match === null || match[1]!.toLowerCase() !== 'bearer') return MISSING_CREDENTIALS
  const token = (match[2] ?? '').trim()
  if (token === '') return MISSING_CREDENTIALS
  if (/\s/.test(token)) return unknownCredential('whitespace inside the token')
  return token
}

// The credentials of the secrets seen last, by their text: a client sends the same key again and again, and its
// SHA-256 was a twentieth of an API-key PATCH. Bounded (src/domain/remembered.ts), oldest out first, as the server's
// remembered JWTs are, and only secrets of a key's length or near it are kept (a header's 16 KB of junk is hashed and
// forgotten).
const HASHED = new Map<string, Credential & { kind: 'key' }>()
const HASHED_LENGTH = 128

/** An API key's credential: the secret is hashed here (once per recent secret), and only the hash is kept on it. */
export function keyCredential (secret: string): Credential & { kind: 'key' } {
  const known = HASHED.get(secret)
  if (known !== undefined) return known
  const hash = hashApiKey(secret)
  const credential = { kind: 'key' as const, hash, memo: hash.toString('latin1') }
  if (secret.length > HASHED_LENGTH) return credential
  remember(HASHED, secret, credential)
  return credential
}

export { looksLikeApiKey }

/** Whether stored roles (normalised, comma-separated) include admin. */
export const hasAdminRole = (roles: string): boolean => roles.split(',').includes('admin')

/**
 * What a principal may do with a project's keys: manage them (owners, admins, admin keys of that project), only
 * see that the project exists (members, other keys of it: the insufficient-scope 401), or nothing (the 404).
 * `memberRole` is the user's role in the project, read by the caller.
 */
export function accessRefusal (principal: Principal, projectId: string, memberRole: MemberRole | undefined, projectExists: boolean): Refusal | undefined {
  switch (principal.kind) {
    case 'system':
      return projectExists ? undefined : notVisible('no such project')
    case 'key':
      if (principal.projectId !== projectId) return notVisible('the calling key belongs to another project')
      return principal.admin ? undefined : INSUFFICIENT_SCOPE
    case 'user':
      if (memberRole === undefined) return notVisible('the user is not a member of the project')
      return memberRole === 'member' ? INSUFFICIENT_SCOPE : undefined
  }
}
