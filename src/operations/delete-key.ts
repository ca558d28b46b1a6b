// DELETE /project/{id}/key/{key_id}: for good; its secret stops working with this commit.
import type { Credential } from '../domain/credential.js'
import { done, notVisible, refused, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { asKeyManager } from './access.js'

export async function deleteKey (world: World, credential: Credential, input: { projectId: string, keyId: string }): Promise<Outcome<{ message: string }>> {
  return await asKeyManager(world, credential, [input.projectId, input.keyId], () =>
    world.keys.remove(input.projectId, input.keyId) ? done({ message: 'API key deleted' }) : refused(notVisible('no such key in the project')))
}
