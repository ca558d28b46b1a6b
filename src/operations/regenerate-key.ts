// POST /project/{id}/key/{key_id}/regenerate: a new secret, returned this once; the old one stops with this commit.
import { generateApiKey, hashApiKey } from '../domain/api-key.js'
import type { Credential } from '../domain/credential.js'
import { done, notVisible, refused, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { asKeyManager } from './access.js'
import { keyView, type KeyView } from './key-views.js'

export async function regenerateKey (world: World, credential: Credential, input: { projectId: string, keyId: string }): Promise<Outcome<KeyView & { value: string, is_private: boolean }>> {
  return await asKeyManager(world, credential, [input.projectId, input.keyId], () => {
    const value = generateApiKey()
    const key = world.keys.rehash(input.projectId, input.keyId, hashApiKey(value), world.clock.now())
    return key === undefined ? refused(notVisible('no such key in the project')) : done({ ...keyView(key), value, is_private: key.is_private === 1 })
  })
}
