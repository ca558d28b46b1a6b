// Who a credential is now, and whether it may manage a project's keys: asked inside the transaction that acts, so
// that a key deleted, regenerated or demoted (or a membership removed) while a request was in flight counts.
import { accessRefusal, type Credential, type Principal } from '../domain/credential.js'
import { done, refused, unknownCredential, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { idRefusal } from './input.js'

/** The credential resolved against the data as it is now; refused when it is no longer live. */
export function principalOf (world: World, credential: Credential, now = Date.now()): Outcome<Principal> {
  switch (credential.kind) {
    case 'system':
      return done(credential)
    case 'key': {
      const key = world.memory.find(credential.hash, credential.memo)
      return key === undefined ? refused(unknownCredential('no live key has this secret')) : done(key)
    }
    case 'user':
      if (now > credential.validUntil) return refused(unknownCredential('expired'))
      if (now < credential.validFrom) return refused(unknownCredential('not yet valid'))
      return done({ kind: 'user', userId: credential.sub })
  }
}

/** The principal when it may manage the project's keys; otherwise the 401 or 404 refusal of docs/api.md, "Authentication and status codes". */
export function keyManagerOf (world: World, principal: Principal, projectId: string): Outcome<Principal> {
  const role = principal.kind === 'user' ? world.members.role(projectId, principal.userId) : undefined
  const exists = principal.kind === 'system' ? world.members.projectExists(projectId) : true
  const refusal = accessRefusal(principal, projectId, role, exists)
  return refusal === undefined ? done(principal) : refused(refusal)
}

/**
 * Runs `act` once the credential may manage the project's keys, checked in the transaction the caller holds: first
 * that the credential is live (401), then the ids (404), then the access (404 or 401). A key caller's last_used is
 * recorded with a successful act in the same transaction: both or neither.
 */
export function actAsKeyManager<T> (world: World, credential: Credential, ids: string[], act: (principal: Principal) => Outcome<T>): Outcome<T> {
  const allowed = allowedPrincipal(world, credential, ids)
  if (!allowed.ok) return allowed
  const outcome = act(allowed.value)
  if (outcome.ok && allowed.value.kind === 'key') world.keys.touch(allowed.value.keyId, world.clock.now())
  return outcome
}

function allowedPrincipal (world: World, credential: Credential, ids: string[]): Outcome<Principal> {
  const found = principalOf(world, credential)
  if (!found.ok) return found
  const invalid = idRefusal(...ids)
  if (invalid !== undefined) return refused(invalid)
  return keyManagerOf(world, found.value, ids[0]!)
}

/** The same, in the turn's transaction (world.transact): ordered after every operation queued before it. */
export function asKeyManager<T> (world: World, credential: Credential, ids: string[], act: (principal: Principal) => Outcome<T>): Promise<Outcome<T>> {
  return world.transact(() => actAsKeyManager(world, credential, ids, act))
}

/**
 * For a read: `act` in the turn's transaction as above, then the key caller's last_used in a transaction of its
 * own, so that a write that fails (a full disk) cannot take the answer with it; such a failure comes back as
 * `unrecorded`, beside the answer, to be logged.
 */
export async function readAsKeyManager<T> (world: World, credential: Credential, ids: string[], act: () => Outcome<T>): Promise<Outcome<T>> {
  let caller: Principal | undefined
  const outcome = await world.transact((): Outcome<T> => {
    const allowed = allowedPrincipal(world, credential, ids)
    if (!allowed.ok) return allowed
    caller = allowed.value
    return act()
  })
  if (!outcome.ok || caller?.kind !== 'key') return outcome
  const keyId = caller.keyId
  try {
    await world.transact(() => world.keys.touch(keyId, world.clock.now()))
    return outcome
  } catch (error) {
    return { ...outcome, unrecorded: error }
  }
}
