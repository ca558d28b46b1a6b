// Who may manage a project's keys (docs/api.md, "Authentication and status codes"), decided by the operations for every caller: manage, see only
// (the insufficient-scope refusal) or nothing (not visible), and the system caller of the CLI and in-process API.
import t from 'tap'
import { keyCredential, SYSTEM, type Credential } from '../../src/domain/credential.js'
import { keyManagerOf, principalOf } from '../../src/operations/access.js'
import { seedOnStart } from '../../src/operations/seed.js'
import { openWorld } from '../../src/world.js'
import { FIXTURE, SECRETS } from '../helper.js'

const world = openWorld({ path: ':memory:', clock: { now: () => 5 }, seed: { fixture: FIXTURE, source: undefined, demo: false }, journalSize: 0 })
seedOnStart(world)
t.teardown(() => world.close())

const user = (sub: string): Credential => ({ kind: 'user', sub, validFrom: 0, validUntil: Date.now() + 60_000 })

t.test('manage, see only, or nothing: each caller on each project', async t => {
  const rows: Array<[string, Credential, string, string]> = [
    ['the owner', user('user_owner'), 'proj_one', 'manage'],
    ['an admin member', user('user_admin'), 'proj_one', 'manage'],
    ['a plain member', user('user_member'), 'proj_one', 'insufficient-scope'],
    ['the owner of another project', user('user_outsider'), 'proj_one', 'not-visible'],
    ['an unknown user', user('user_nobody'), 'proj_one', 'not-visible'],
    ['an admin key of the project', keyCredential(SECRETS.key_admin), 'proj_one', 'manage'],
    ['a non-admin key of the project', keyCredential(SECRETS.key_read), 'proj_one', 'insufficient-scope'],
    ['an admin key of another project', keyCredential(SECRETS.key_two_admin), 'proj_one', 'not-visible'],
    ['the system caller', SYSTEM, 'proj_one', 'manage'],
    ['the system caller on a missing project', SYSTEM, 'proj_missing', 'not-visible']
  ]
  for (const [who, credential, project, expected] of rows) {
    const principal = principalOf(world, credential)
    if (!principal.ok) throw new Error(`${who}: ${principal.refusal.kind}`)
    const decided = keyManagerOf(world, principal.value, project)
    t.equal(decided.ok ? 'manage' : decided.refusal.kind, expected, `${who} on ${project}`)
  }
})

t.test('a credential that is not live is refused as unknown, whatever it was', async t => {
  const rows: Array<[string, Credential]> = [
    ['an unknown key', keyCredential('basic_key_unknown_00000000000000000000000000')],
    ['an expired user token', { kind: 'user', sub: 'user_owner', validFrom: 0, validUntil: Date.now() - 1 }],
    ['a user token not yet valid', { kind: 'user', sub: 'user_owner', validFrom: Date.now() + 60_000, validUntil: Date.now() + 120_000 }]
  ]
  for (const [what, credential] of rows) {
    const found = principalOf(world, credential)
    t.match(found, { ok: false, refusal: { kind: 'unknown-credential' } }, what)
  }
})
