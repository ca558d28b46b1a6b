// PATCH /project/{id}/key/{key_id}: the label and roles change together or not at all.
import type { Credential } from '../domain/credential.js'
import { done, notVisible, refused, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { asKeyManager } from './access.js'
import { isRefusal, keyChanges } from './input.js'
import { updatedView } from './key-views.js'

export interface UpdateKeyInput { projectId: string, keyId: string, label?: string | undefined, roles?: string | undefined }

export async function updateKey (world: World, credential: Credential, input: UpdateKeyInput): Promise<Outcome<ReturnType<typeof updatedView>>> {
  const changes = keyChanges(input)
  if (isRefusal(changes)) return refused(changes)
  return await asKeyManager(world, credential, [input.projectId, input.keyId], () => {
    const key = world.keys.update(input.projectId, input.keyId, changes, world.clock.now())
    return key === undefined ? refused(notVisible('no such key in the project')) : done(updatedView(key))
  })
}
