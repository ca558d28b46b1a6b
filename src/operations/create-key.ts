// POST /project/{id}/key, `key create` at the CLI and startMockServer's createKey(): a new key whose secret is
// returned this once.
import { randomUUID } from 'node:crypto'
import { isoTime } from '../domain/clock.js'
import { generateApiKey, hashApiKey } from '../domain/api-key.js'
import type { Credential } from '../domain/credential.js'
import { done, refused, type Outcome, type Refusal } from '../domain/refusal.js'
import type { World } from '../world.js'
import { actAsKeyManager, asKeyManager } from './access.js'
import { isRefusal, keyChanges } from './input.js'

export interface CreatedKey { id: string, label: string, roles: string, value: string, created_at: string }

function checked (input: { label: string, roles: string }): { label: string, roles: string } | Refusal {
  const changes = keyChanges(input)
  return isRefusal(changes) ? changes : changes as { label: string, roles: string }
}

function insert (world: World, projectId: string, fields: { label: string, roles: string }): Outcome<CreatedKey> {
  const id = randomUUID()
  const value = generateApiKey()
  const now = world.clock.now()
  world.keys.insert({ id, projectId, ...fields, hash: hashApiKey(value), isPrivate: true, now })
  return done({ id, ...fields, value, created_at: isoTime(now) })
}

export async function createKey (world: World, credential: Credential, input: { projectId: string, label: string, roles: string }): Promise<Outcome<CreatedKey>> {
  const fields = checked(input)
  if (isRefusal(fields)) return refused(fields)
  return await asKeyManager(world, credential, [input.projectId], () => insert(world, input.projectId, fields))
}

/** The same at once, outside any request: the CLI and startMockServer's createKey(), which answer synchronously. */
export function createKeyNow (world: World, credential: Credential, input: { projectId: string, label: string, roles: string }): Outcome<CreatedKey> {
  const fields = checked(input)
  if (isRefusal(fields)) return refused(fields)
  return world.transactNow(() => actAsKeyManager(world, credential, [input.projectId], () => insert(world, input.projectId, fields)))
}
