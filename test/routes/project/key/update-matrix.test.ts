// Object-level authorisation: every caller against every target, the status from DESIGN section 2,
// and no row changed unless the answer was 200. The matrix is generated, the rule written once.
import t from 'tap'
import { bearer, build, patchKey, SECRETS, userToken } from '../../../helper.js'

// key: the caller's own key id, whose last_used a 200 moves.
interface Caller { name: string, auth: () => Promise<Record<string, string>>, manages: string[], sees: string[], key?: string }
interface Target { name: string, project: string, key: string, exists: boolean }

const callers: Caller[] = [
  { name: 'the owner', auth: async () => bearer(await userToken('user_owner')), manages: ['proj_one'], sees: ['proj_one'] },
  { name: 'an admin member', auth: async () => bearer(await userToken('user_admin')), manages: ['proj_one'], sees: ['proj_one'] },
  { name: 'a plain member', auth: async () => bearer(await userToken('user_member')), manages: [], sees: ['proj_one'] },
  { name: 'a user of no project', auth: async () => bearer(await userToken('user_nobody')), manages: [], sees: [] },
  { name: 'the admin key of the project', auth: async () => bearer(SECRETS.key_admin), manages: ['proj_one'], sees: ['proj_one'], key: 'key_admin' },
  { name: 'a non-admin key of the project', auth: async () => bearer(SECRETS.key_read), manages: [], sees: ['proj_one'], key: 'key_read' },
  { name: 'the admin key of another project', auth: async () => bearer(SECRETS.key_two_admin), manages: ['proj_two'], sees: ['proj_two'], key: 'key_two_admin' }
]

const targets: Target[] = [
  { name: 'a key of the project', project: 'proj_one', key: 'key_read', exists: true },
  { name: 'a key of another project, asked under the project', project: 'proj_one', key: 'key_two_read', exists: false },
  { name: 'a key of another project, under its own project', project: 'proj_two', key: 'key_two_read', exists: true },
  { name: 'a missing key', project: 'proj_one', key: 'key_missing', exists: false },
  { name: 'a missing project', project: 'proj_missing', key: 'key_read', exists: false }
]

/** README's order after authentication: 404 for a project not visible, 401 scope, 404 for a missing key, 200. */
function expected (caller: Caller, target: Target): 200 | 401 | 404 {
  if (!caller.sees.includes(target.project)) return 404
  if (!caller.manages.includes(target.project)) return 401
  return target.exists ? 200 : 404
}

const BODIES = {
  401: { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' },
  404: { error: 'API key not found' }
}

for (const caller of callers) {
  for (const target of targets) {
    const status = expected(caller, target)
    t.test(`${caller.name} patching ${target.name}: ${status}`, async t => {
      const { app, rows, row } = await build(t)
      const before = rows()
      const res = await patchKey(app, target.project, target.key, { label: 'Matrix', roles: 'read' }, await caller.auth())
      t.equal(res.statusCode, status)
      if (status === 200) {
        t.match(res.json(), { key: { id: target.key, label: 'Matrix', roles: 'read' } })
        const changed = rows().filter((after, i) => JSON.stringify(after) !== JSON.stringify(before[i])).map(r => r.id)
        t.strictSame(changed.sort(), [...new Set([target.key, ...(caller.key === undefined ? [] : [caller.key])])].sort(),
          'only the target changed (and the calling key\'s last_used)')
        t.match(row(target.key), { label: 'Matrix', roles: 'read' })
        return
      }
      t.strictSame(res.json(), BODIES[status])
      t.equal(res.headers['www-authenticate'], status === 401 ? 'Bearer realm="basic-admin", error="insufficient_scope"' : undefined)
      t.strictSame(rows(), before, 'no row changed')
    })
  }
}

t.test('the matrix covers every caller and target, and each of 200, 401 and 404 occurs', async t => {
  const statuses = callers.flatMap(caller => targets.map(target => expected(caller, target)))
  t.equal(statuses.length, 35)
  t.strictSame([...new Set(statuses)].sort(), [200, 401, 404])
})
