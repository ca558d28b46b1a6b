// Object-level authorisation for EVERY key operation: 7 callers x each target x 7 operations, the status from
// README's rule order, and no row changed unless 200 (then exactly the operation's own change). Generated, not listed.
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import type { KeyRow } from '../../../../src/stores/keys.js'
import { call, changedIds, NOT_FOUND, OPERATIONS, restore, SCOPE, snapshot, type Operation } from './operations.js'

// key: the caller's own key id, whose last_used a 200 moves.
interface Caller { name: string, auth: Record<string, string>, manages: string[], sees: string[], key?: string }
interface Target { name: string, project: string, key: string, exists: boolean }

const callers: Caller[] = [
  { name: 'the owner', auth: bearer(await userToken('user_owner')), manages: ['proj_one'], sees: ['proj_one'] },
  { name: 'an admin member', auth: bearer(await userToken('user_admin')), manages: ['proj_one'], sees: ['proj_one'] },
  { name: 'a plain member', auth: bearer(await userToken('user_member')), manages: [], sees: ['proj_one'] },
  { name: 'a user of no project', auth: bearer(await userToken('user_nobody')), manages: [], sees: [] },
  { name: 'the admin key of the project', auth: bearer(SECRETS.key_admin), manages: ['proj_one'], sees: ['proj_one'], key: 'key_admin' },
  { name: 'a non-admin key of the project', auth: bearer(SECRETS.key_read), manages: [], sees: ['proj_one'], key: 'key_read' },
  { name: 'the admin key of another project', auth: bearer(SECRETS.key_two_admin), manages: ['proj_two'], sees: ['proj_two'], key: 'key_two_admin' }
]

const keyTargets: Target[] = [
  { name: 'a key of the project', project: 'proj_one', key: 'key_read', exists: true },
  { name: 'a key of another project, asked under the project', project: 'proj_one', key: 'key_two_read', exists: false },
  { name: 'a key of another project, under its own project', project: 'proj_two', key: 'key_two_read', exists: true },
  { name: 'a missing key', project: 'proj_one', key: 'key_missing', exists: false },
  { name: 'a missing project', project: 'proj_missing', key: 'key_read', exists: false }
]

const projectTargets: Target[] = [
  { name: 'the project', project: 'proj_one', key: '', exists: true },
  { name: 'another project', project: 'proj_two', key: '', exists: true },
  { name: 'a missing project', project: 'proj_missing', key: '', exists: false }
]

const targetsOf = (op: Operation): Target[] => op.byKey ? keyTargets : projectTargets

/** README's order after authentication: 404 for a project not visible, 401 scope, 404 for a missing key, 200. */
function expected (caller: Caller, target: Target): 200 | 401 | 404 {
  if (!caller.sees.includes(target.project)) return 404
  if (!caller.manages.includes(target.project)) return 401
  return target.exists ? 200 : 404
}

type Check = (t: Test, res: LightMyRequestResponse, target: Target, before: KeyRow[], after: KeyRow[]) => string[]

/** What a 200 of each operation must answer, and the ids whose rows it alone may change. */
const effects: Record<Operation['name'], Check> = {
  create: (t, res, target, _before, after) => {
    const { id } = res.json().key
    t.equal(after.find(row => row.id === id)?.project_id, target.project, 'the new key is in the target project')
    return [id]
  },
  list: (t, res, target, before) => {
    t.strictSame(res.json().data.map((key: { id: string }) => key.id).sort(), before.filter(row => row.project_id === target.project).map(row => row.id).sort())
    return []
  },
  // The body is always key_read's secret: valid under proj_one only.
  verify: (t, res, target) => {
    t.equal(res.json().is_valid, target.project === 'proj_one')
    return []
  },
  get: (t, res, target) => {
    t.equal(res.json().key.id, target.key)
    return []
  },
  update: (t, res, target, _before, after) => {
    t.match(after.find(row => row.id === target.key), { label: 'Changed', roles: 'read' })
    return [target.key]
  },
  delete: (t, res, target, _before, after) => {
    t.strictSame(res.json(), { message: 'API key deleted' })
    t.notOk(after.some(row => row.id === target.key), 'the row is gone')
    return [target.key]
  },
  regenerate: (t, res, target, before, after) => {
    const hash = (rows: KeyRow[]): string | undefined => rows.find(row => row.id === target.key)?.key_hash.toString('hex')
    t.not(hash(after), hash(before), 'the secret changed')
    t.equal(res.json().key.id, target.key)
    return [target.key]
  }
}

for (const op of OPERATIONS) {
  t.test(`${op.name}: every caller against every target`, async t => {
    // One app per operation; a 200 is undone from a snapshot before the next case.
    const { app, rows } = await build(t)
    const saved = snapshot(app)
    const baseline = rows()
    for (const caller of callers) {
      for (const target of targetsOf(op)) {
        const status = expected(caller, target)
        await t.test(`${caller.name} calling ${op.name} on ${target.name}: ${status}`, async t => {
          const before = rows()
          const res = await call(app, op, target.project, target.key, caller.auth)
          t.equal(res.statusCode, status)
          if (status !== 200) {
            t.strictSame(res.json(), status === 401 ? SCOPE.body : NOT_FOUND.body)
            t.equal(res.headers['www-authenticate'], status === 401 ? SCOPE.challenge : undefined)
            t.strictSame(rows(), before, 'no row changed')
            return
          }
          const after = rows()
          const own = effects[op.name](t, res, target, before, after)
          const callerKey = caller.key === undefined ? [] : [caller.key]
          t.strictSame(changedIds(before, after), [...new Set([...own, ...callerKey])].sort(), 'only the operation\'s own change, and the calling key\'s last_used')
          restore(app, saved)
          t.strictSame(rows(), baseline, 'reset for the next case')
        })
      }
    }
  })
}

t.test('the table covers 7 callers x every target x 7 operations, and each operation meets 200, 401 and 404', async t => {
  t.equal(OPERATIONS.length, 7)
  let cases = 0
  for (const op of OPERATIONS) {
    const statuses = callers.flatMap(caller => targetsOf(op).map(target => expected(caller, target)))
    cases += statuses.length
    t.strictSame([...new Set(statuses)].sort(), [200, 401, 404], op.name)
  }
  t.equal(cases, 7 * (4 * 5 + 3 * 3))
})
