// The 401 and 404 rows of docs/api.md, "Authentication and status codes", for every key operation, each on one app
// (refusals change nothing, so no reset): every refused credential, every target the caller may not see, the scope
// refusal whether or not the key exists, and the check order (401 before 400 before 404).
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { INVALID, MISSING, NOT_FOUND, SCOPE, type FixedAnswer } from '../../../answers.js'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import type { KeyRow } from '../../../../src/stores/keys.js'
import { call, CREDENTIAL_ROWS, OPERATIONS, type Operation } from './operations.js'

/** Targets the owner may not reach: [what, project, key]. */
function hiddenTargets (op: Operation): Array<[string, string, string]> {
  const projects: Array<[string, string, string]> = [
    ['another project', 'proj_two', 'key_two_read'],
    ['a missing project', 'proj_missing', 'key_read'],
    ['a project id with a dot', 'proj.one', 'key_read'],
    ['a project id with an encoded space', 'proj%20one', 'key_read'],
    ['a project id over 128 characters', 'p'.repeat(129), 'key_read']
  ]
  if (!op.byKey) return projects
  return [...projects,
    ['a missing key', 'proj_one', 'key_missing'],
    ["another project's key, asked under the project", 'proj_one', 'key_two_read'],
    ['a key id with a quote', 'proj_one', encodeURIComponent("key_read' OR 1=1 --")],
    ['a key id over 128 characters', 'proj_one', 'k'.repeat(129)]]
}

/** The answer of a refusal: exact status, body, challenge and content type, and no row changed. */
async function refused (t: Test, res: LightMyRequestResponse, expected: FixedAnswer, before: KeyRow[], after: () => KeyRow[]): Promise<void> {
  t.equal(res.statusCode, expected.status)
  t.equal(res.headers['content-type'], 'application/json')
  t.strictSame(res.json(), expected.body)
  t.equal(res.headers['www-authenticate'], expected.challenge)
  t.strictSame(after(), before, 'no row changed')
}

for (const op of OPERATIONS) {
  // A GET's body is never read (Fastify skips it), so only the other methods have a body check to order.
  const badBody = op.method === 'GET' ? undefined : op.body === undefined ? '{"label":"x"}' : '{"label":'

  // One app for all of them: a refusal changes nothing, which every case checks against the rows at the start.
  t.test(`${op.name}: the 401 and 404 rows`, async t => {
    const { app, rows } = await build(t)
    const before = rows()

    await t.test('every refused credential gets its exact answer and changes nothing', async t => {
      for (const [name, auth, expected] of CREDENTIAL_ROWS) {
        await t.test(`${name}: ${expected.status}`, async t => {
          await refused(t, await call(app, op, 'proj_one', 'key_read', await auth()), expected, before, rows)
        })
      }
    })

    await t.test('an unknown key, a forged, an expired and a garbage token get byte-identical answers', async t => {
      const answers = await Promise.all(CREDENTIAL_ROWS.filter(([, , expected]) => expected === INVALID)
        .map(async ([, auth]) => await call(app, op, 'proj_one', 'key_read', await auth())))
      t.ok(answers.length >= 4)
      for (const res of answers) {
        t.equal(res.body, answers[0]!.body)
        t.equal(res.headers['www-authenticate'], answers[0]!.headers['www-authenticate'])
        t.equal(res.headers['content-length'], answers[0]!.headers['content-length'])
      }
    })

    await t.test('every target the caller may not see answers the same 404 as a missing key', async t => {
      for (const auth of [bearer(await userToken('user_owner')), bearer(SECRETS.key_admin)]) {
        for (const [what, project, key] of hiddenTargets(op)) {
          await t.test(`${what} (${auth.authorization!.slice(7, 17)}...)`, async t => {
            const res = await call(app, op, project, key, auth)
            await refused(t, res, NOT_FOUND, before, rows)
            t.equal(res.body, '{"error":"API key not found"}', 'the same bytes for every hidden case')
          })
        }
      }
    })

    await t.test('a caller who sees the project but may not manage it gets insufficient_scope whatever the target', async t => {
      const keys = op.byKey ? ['key_read', 'key_admin', 'key_missing', 'key_two_read'] : ['key_read']
      for (const auth of [bearer(await userToken('user_member')), bearer(SECRETS.key_read)]) {
        for (const key of keys) await refused(t, await call(app, op, 'proj_one', key, auth), SCOPE, before, rows)
      }
    })

    await t.test('checks run in order: credentials, then the body, then visibility', async t => {
      const owner = bearer(await userToken('user_owner'))
      await refused(t, await call(app, op, 'proj_one', 'key_read', bearer('basic_key_unknown_00000000000000000000000000'), badBody), INVALID, before, rows)
      await refused(t, await call(app, op, 'proj_one', 'key_read', {}, badBody), MISSING, before, rows)
      if (badBody === undefined) {
        const res = await call(app, op, 'proj_missing', 'key_read', { ...owner, 'content-type': 'text/plain' }, 'not read')
        t.equal(res.statusCode, 404, 'a GET with a body goes on to the visibility check')
        t.strictSame(rows(), before)
        return
      }
      for (const [project, key] of [['proj_two', 'key_two_read'], ['proj_missing', 'key_read'], ['proj_one', 'key_missing']] as const) {
        const res = await call(app, op, project, key, owner, badBody)
        t.equal(res.statusCode, 400, `a bad body on ${project}/${key} is a 400 before any 404`)
        t.equal(res.json().error, 'Bad Request')
      }
      const member = await call(app, op, 'proj_one', 'key_read', bearer(await userToken('user_member')), badBody)
      t.equal(member.statusCode, 400, 'and before the scope check')
      t.strictSame(rows(), before)
    })
  })
}
