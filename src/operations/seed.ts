// The seed of a world (README "Fixtures"): loaded at start, on POST /__admin/fixtures and `seed FILE`, and brought
// back by a reset. Loading adds what the fixture has and the data lacks; rows that exist (by id) are left alone.
import { hashApiKey } from '../domain/api-key.js'
import { keyCredential, type Principal } from '../domain/credential.js'
import { DEMO_FIXTURE, DEMO_KEY_SECRET } from '../domain/demo.js'
import { at, FixtureError, unique, type Fixture } from '../domain/fixture.js'
import { normaliseLabel, normaliseRoles } from '../domain/rules.js'
import type { World } from '../world.js'
import { principalOf } from './access.js'

/** Adds the fixture's rows, inside the caller's transaction; throws a FixtureError naming the first problem. */
function insertFixture (world: World, fixture: Fixture): number {
  const now = world.clock.now()
  let created = 0
  const count = (added: boolean): void => { if (added) created++ }
  const users = new Set<string>()
  fixture.users?.forEach((user, i) => {
    unique(users, user.id, `users[${i}].id`)
    count(world.members.addUser(user.id, user.email, user.name ?? '', now))
  })
  const projects = new Set<string>()
  const keys = new Set<string>()
  fixture.projects?.forEach((project, p) => {
    unique(projects, project.id, `projects[${p}].id`)
    count(world.members.addProject(project.id, project.name, now))
    project.members?.forEach((member, m) => {
      if (!world.members.userExists(member.user)) throw new FixtureError(`projects[${p}].members[${m}].user: unknown user ${JSON.stringify(member.user)}`)
      count(world.members.addMember(project.id, member.user, member.role))
    })
    project.keys?.forEach((key, k) => {
      const path = `projects[${p}].keys[${k}]`
      unique(keys, key.id, `${path}.id`)
      const label = at(`${path}.label`, () => normaliseLabel(key.label))
      const roles = at(`${path}.roles`, () => normaliseRoles(key.roles))
      const owner = world.keys.projectOf(key.id)
      if (owner !== undefined && owner !== project.id) {
        throw new FixtureError(`${path}.id: key ${JSON.stringify(key.id)} already belongs to project ${JSON.stringify(owner)}`)
      }
      if (owner !== undefined) return
      const hash = hashApiKey(key.value)
      const other = world.keys.idByHash(hash)
      if (other !== undefined) throw new FixtureError(`${path}.value: already the secret of key ${JSON.stringify(other)}`)
      world.keys.insert({ id: key.id, projectId: project.id, label, roles, hash, isPrivate: key.is_private !== false, now })
      created++
    })
  })
  return created
}

const named = (source: string | undefined, fixture: Fixture, world: World): number =>
  at(source === undefined ? undefined : `fixture ${source}`, () => insertFixture(world, fixture))

/** The fixture a reset goes back to, if any. */
const seedFixture = (world: World): Fixture | undefined => world.seed.fixture ?? (world.seed.demo ? DEMO_FIXTURE : undefined)

/**
 * At start: the seed fixture (idempotently), or the demo data into an empty database. Runs at once, before any
 * request; throws a FixtureError naming the source and the problem, and then nothing of it was written.
 */
export function seedOnStart (world: World): { created: number, demo: boolean } | undefined {
  const fixture = world.seed.fixture ?? (world.seed.demo && world.members.isEmpty() ? DEMO_FIXTURE : undefined)
  if (fixture === undefined) return undefined
  return { created: world.transactNow(() => named(world.seed.source, fixture, world)), demo: fixture === DEMO_FIXTURE }
}

/** POST /__admin/fixtures, `seed FILE`, startMockServer: a fixture loaded in one transaction, or nothing of it. */
export async function loadFixture (world: World, fixture: Fixture, source?: string): Promise<{ created: number }> {
  return { created: await world.transact(() => named(source, fixture, world), { isolated: true }) }
}

/**
 * Back to the seed in one transaction, ordered with every other operation: every table emptied, the seed loaded, the
 * clock rewound, the fault rules gone and their generator back at its seed.
 */
export async function resetToSeed (world: World): Promise<{ created: number }> {
  return { created: await world.transact(() => resetNow(world), { isolated: true }) }
}

function resetNow (world: World): number {
  world.emptyTables()
  world.clock.reset?.()
  world.faults.clear(true)
  world.coverage.clear(new Date().toISOString())
  const fixture = seedFixture(world)
  return fixture === undefined ? 0 : named(world.seed.source, fixture, world)
}

/** The same reset, at once: the CLI's `reset` and startMockServer's reset() outside any request. */
export function resetToSeedNow (world: World): { created: number } {
  return { created: world.transactNow(() => resetNow(world)) }
}

/**
 * The demo key as it is now, for the banner: the principal its documented secret is (undefined once the key was
 * deleted or regenerated), and whether a key_demo is there at all (a regenerated one is).
 */
export function demoKey (world: World): { principal: Principal | undefined, exists: boolean } {
  // In a transaction: the key memory then answers as of now.
  return world.transactNow(() => {
    const found = principalOf(world, keyCredential(DEMO_KEY_SECRET))
    return { principal: found.ok ? found.value : undefined, exists: world.keys.get('proj_demo', 'key_demo') !== undefined }
  })
}

/** The first `limit` project ids of a world, for the CLI's message about an unknown one. */
export const projectIds = (world: World, limit: number): string[] => world.members.projectIds(limit)

/** How many users, projects and keys a world holds, and requests its journal keeps (GET /__admin/namespaces). */
export function countRows (world: World): { users: number, projects: number, keys: number, requests: number } {
  return { ...world.members.counts(), keys: world.keys.count(), requests: world.journal.size() }
}

/** The hashes (hex) of the API keys a world seeded from `seed` starts with: a request with one may open a namespace. */
export function seedKeyHashes (seed: World['seed']): Set<string> {
  const fixture = seed.fixture ?? (seed.demo ? DEMO_FIXTURE : undefined)
  return new Set((fixture?.projects ?? []).flatMap(project => (project.keys ?? []).map(key => hashApiKey(key.value).toString('hex'))))
}

/**
 * A Pact provider state's setup (POST /__admin/provider-states): every table emptied, the clock rewound and the fault
 * rules gone, as by a reset, and this fixture loaded instead of the seed, in one transaction.
 */
export async function replaceWithFixture (world: World, fixture: Fixture, source: string): Promise<{ created: number }> {
  return {
    created: await world.transact(() => {
      world.emptyTables()
      world.clock.reset?.()
      world.faults.clear(true)
      return named(source, fixture, world)
    }, { isolated: true })
  }
}
