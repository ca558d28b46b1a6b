// POST /project/{id}/key/verify: whether a secret is a live key of this project (and, given key_id, that key).
import { hashApiKey } from '../domain/api-key.js'
import type { Credential } from '../domain/credential.js'
import { done, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { readAsKeyManager } from './access.js'
import { keyView, type KeyView } from './key-views.js'

export type Verified = { is_valid: false } | { is_valid: true, key: KeyView }

export async function verifyKey (world: World, credential: Credential, input: { projectId: string, key: string, keyId?: string | undefined }): Promise<Outcome<Verified>> {
  return await readAsKeyManager(world, credential, [input.projectId], () => {
    // Never the key memory: a remembered secret of another project would answer faster than an unknown one. One
    // index search within the project takes the same path for both, and every other miss.
    const key = world.keys.inProjectByHash(input.projectId, hashApiKey(input.key))
    return done(key === undefined || (input.keyId !== undefined && input.keyId !== key.id) ? { is_valid: false } : { is_valid: true, key: keyView(key) })
  })
}
