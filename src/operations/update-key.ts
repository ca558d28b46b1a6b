// PATCH /project/{id}/key/{key_id}: the fields given (label, roles) change together or not at all.
import type { Credential } from '../domain/credential.js'
import { done, notVisible, refused, type Outcome } from '../domain/refusal.js'
import type { KeyFieldInput } from '../domain/rules.js'
import type { World } from '../world.js'
import { asKeyManager } from './access.js'
import { isRefusal, keyChanges } from './input.js'
import { updatedView } from './key-views.js'

/** `fields`: the key's fields as the body gives them (src/domain/rules.ts KEY_FIELDS); those absent stay as they are. */
export async function updateKey (world: World, credential: Credential, projectId: string, keyId: string, fields: KeyFieldInput): Promise<Outcome<ReturnType<typeof updatedView>>> {
  const changes = keyChanges(fields)
  if (isRefusal(changes)) return refused(changes)
  return await asKeyManager(world, credential, [projectId, keyId], () => {
    const key = world.keys.update(projectId, keyId, changes, world.clock.now())
    return key === undefined ? refused(notVisible('no such key in the project')) : done(updatedView(key))
  })
}
