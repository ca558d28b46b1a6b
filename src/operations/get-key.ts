// GET /project/{id}/key/{key_id}
import type { Credential } from '../domain/credential.js'
import { done, notVisible, refused, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { readAsKeyManager } from './access.js'
import { keyView, type KeyView } from './key-views.js'

export async function getKey (world: World, credential: Credential, input: { projectId: string, keyId: string }): Promise<Outcome<KeyView>> {
  return await readAsKeyManager(world, credential, [input.projectId, input.keyId], () => {
    const key = world.keys.get(input.projectId, input.keyId)
    return key === undefined ? refused(notVisible('no such key in the project')) : done(keyView(key))
  })
}
