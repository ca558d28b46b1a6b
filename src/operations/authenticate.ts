// The bearer of a request, checked as it arrives: a credential that cannot be live is refused before the body is
// read (docs/api.md: credentials, then body, then visibility). The operation checks it again when it acts.
import { keyCredential, looksLikeApiKey, type Credential, type Principal } from '../domain/credential.js'
import type { JwtService } from '../domain/jwt.js'
import { done, refused, unknownCredential, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { principalOf } from './access.js'

export function authenticate (world: World, jwt: JwtService, token: string): Outcome<{ credential: Credential, principal: Principal }> {
  let credential: Credential
  if (looksLikeApiKey(token)) {
    credential = keyCredential(token)
  } else {
    const verified = jwt.verify(token)
    if (!verified.ok) return refused(unknownCredential(verified.reason))
    credential = { kind: 'user', sub: verified.sub, validFrom: verified.validFrom, validUntil: verified.validUntil }
  }
  const principal = principalOf(world, credential)
  return principal.ok ? done({ credential, principal: principal.value }) : principal
}
