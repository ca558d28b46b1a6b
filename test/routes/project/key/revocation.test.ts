// A credential is judged when the operation acts, not when its headers arrived (docs/api.md, "Authentication and status codes"): a request whose
// body is still on the wire while its key is deleted, regenerated or demoted, or its user's membership removed,
// answers as the state then says and changes nothing.
import { once } from 'node:events'
import t from 'tap'
import { INVALID, NOT_FOUND, SCOPE, fixed, type FixedAnswer } from '../../../answers.js'
import { bearer, SECRETS, userToken } from '../../../helper.js'
import { Connection, listen, requestBytes } from '../../../wire.js'

type Listening = Awaited<ReturnType<typeof listen>>

interface Parked { method: string, path: string, body: string, what: string, unchanged: (l: Listening) => unknown, before: unknown }

// Each operation with a body, and one of the bodyless ones sent with a body of blanks (which they accept as empty).
const OPERATIONS = [
  { what: 'PATCH', method: 'PATCH', path: '/project/proj_one/key/key_read', body: '{"label":"Changed in flight","roles":"admin"}' },
  { what: 'create', method: 'POST', path: '/project/proj_one/key', body: '{"label":"Made in flight","roles":"admin"}' },
  { what: 'DELETE', method: 'DELETE', path: '/project/proj_one/key/key_read', body: '    ' },
  { what: 'regenerate', method: 'POST', path: '/project/proj_one/key/key_read/regenerate', body: '    ' },
  { what: 'verify', method: 'POST', path: '/project/proj_one/key/verify', body: JSON.stringify({ key: SECRETS.key_read }) }
]

// Everything an operation of proj_one could change, but key_admin's own row (the revocation changes that).
const proj = (l: Listening) => l.app.world.db.prepare("SELECT id, label, roles, hex(key_hash) AS hash, last_used FROM api_keys WHERE project_id = 'proj_one' AND id != 'key_admin' ORDER BY id").all()

interface Revocation {
  what: string
  /** The caller's credential. */
  caller: () => Promise<string>
  revoke: (l: Listening) => Promise<void>
  expect: FixedAnswer
}

const REVOCATIONS: Revocation[] = [
  {
    what: 'the admin key is deleted',
    caller: async () => SECRETS.key_admin,
    revoke: async l => { await ownerCall(l, 'DELETE', '/project/proj_one/key/key_admin') },
    expect: INVALID
  },
  {
    what: 'the admin key is regenerated',
    caller: async () => SECRETS.key_admin,
    revoke: async l => { await ownerCall(l, 'POST', '/project/proj_one/key/key_admin/regenerate') },
    expect: INVALID
  },
  {
    what: 'the admin key loses its admin role',
    caller: async () => SECRETS.key_admin,
    revoke: async l => { await ownerCall(l, 'PATCH', '/project/proj_one/key/key_admin', { roles: 'read' }) },
    expect: SCOPE
  },
  {
    what: 'the admin user loses the membership',
    caller: async () => await userToken('user_admin'),
    // No operation removes a member: written by another connection, as another process would.
    revoke: async l => { l.app.world.db.prepare("DELETE FROM project_members WHERE user_id = 'user_admin'").run() },
    expect: NOT_FOUND
  }
]

async function ownerCall (l: Listening, method: 'DELETE' | 'POST' | 'PATCH', url: string, payload?: object): Promise<void> {
  const res = await l.app.inject({ method, url, headers: bearer(await userToken('user_owner')), ...(payload === undefined ? {} : { payload }) })
  if (res.statusCode !== 200) throw new Error(`${method} ${url} as the owner answered ${res.statusCode}: ${res.body}`)
}

for (const revocation of REVOCATIONS) {
  t.test(`a request in flight while ${revocation.what} answers ${revocation.expect.status} and changes nothing`, async t => {
    for (const op of OPERATIONS) {
      await t.test(op.what, async t => {
        const l = await listen(t)
        const parked: Parked = { ...op, unchanged: proj, before: proj(l) }
        const connection = await Connection.open(t, l.port)
        const bytes = requestBytes(parked.method, parked.path, { authorization: `Bearer ${await revocation.caller()}`, 'content-type': 'application/json' }, parked.body)
        // Headers and the first byte of the body: the server has authenticated the request and waits for the rest.
        const arrived = once(l.app.server, 'request')
        await connection.write(bytes.slice(0, -parked.body.length + 1))
        await arrived
        await revocation.revoke(l)
        await connection.write(bytes.slice(-parked.body.length + 1))
        const [answer] = await connection.read(1, `the answer to the parked ${op.what}`)
        t.same(fixed(answer!), revocation.expect, 'the answer the state after the revocation gives')
        t.same(parked.unchanged(l), parked.before, 'no key of the project changed, none was added or removed')
      })
    }
  })
}

t.test('a request in flight while nothing is revoked still acts (the parking itself changes nothing)', async t => {
  const l = await listen(t)
  const connection = await Connection.open(t, l.port)
  const body = '{"label":"Changed in flight"}'
  const bytes = requestBytes('PATCH', '/project/proj_one/key/key_read', { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json' }, body)
  const arrived = once(l.app.server, 'request')
  await connection.write(bytes.slice(0, -body.length + 1))
  await arrived
  await connection.write(bytes.slice(-body.length + 1))
  const [answer] = await connection.read(1)
  t.equal(answer!.status, 200)
  t.equal(JSON.parse(answer!.body).key.label, 'Changed in flight')
  t.equal(l.row('key_read')?.label, 'Changed in flight')
})
