// GET /project/{id}/key: every key of the project, in creation order.
import type { Credential } from '../domain/credential.js'
import { done, type Outcome } from '../domain/refusal.js'
import type { World } from '../world.js'
import { readAsKeyManager } from './access.js'
import { listedView } from './key-views.js'

export async function listKeys (world: World, credential: Credential, input: { projectId: string }): Promise<Outcome<Array<ReturnType<typeof listedView>>>> {
  return await readAsKeyManager(world, credential, [input.projectId], () => done(world.keys.list(input.projectId).map(listedView)))
}
