// The bearer of a request, checked as it arrives: a credential that cannot be live is refused before the body is
// read (docs/api.md: credentials, then body, then visibility). The operation checks it again when it acts.
import { keyCredential, looksLikeApiKey, type Credential, type Principal } from '../domain/credential.js'
import type { JwtService } from '../domain/jwt.js'
import { done, refused, unknownCredential, type Outcome } from '../domain/refusal.js'
import type { Namespaces } from '../namespaces.js'
import type { World } from '../world.js'
import { principalOf } from './access.js'

/** The credential a bearer is: an API key's hash, or a user token that verifies. */
function credentialOf (jwt: JwtService, token: string): Outcome<Credential> {
  if (looksLikeApiKey(token)) return done(keyCredential(token))
  const verified = jwt.verify(token)
  if (!verified.ok) return refused(unknownCredential(verified.reason))
  return done({ kind: 'user', sub: verified.sub, validFrom: verified.validFrom, validUntil: verified.validUntil })
}

export function authenticate (world: World, jwt: JwtService, token: string): Outcome<{ credential: Credential, principal: Principal }> {
  const credential = credentialOf(jwt, token)
  if (!credential.ok) return credential
  const principal = principalOf(world, credential.value)
  return principal.ok ? done({ credential: credential.value, principal: principal.value }) : principal
}

/**
 * Whether a bearer may open a namespace that is not open (DESIGN.md section 7): a user token that is valid now, or
 * an API key of the seed or of the namespace's data on disk. Anything else is the 401 the namespace would answer.
 */
export function admitToNamespace (namespaces: Namespaces, name: string, jwt: JwtService, token: string): Outcome<true> {
  const credential = credentialOf(jwt, token)
  if (!credential.ok) return credential
  if (credential.value.kind === 'key') {
    return namespaces.holdsKey(name, credential.value.hash) ? done(true) : refused(unknownCredential(`no key of namespace ${name}'s seed or data has this secret`))
  }
  const principal = principalOf(namespaces.stranger, credential.value)
  return principal.ok ? done(true) : principal
}
