// The key operations as data, and the answers and refusal rows they all share: written once for the
// per-operation tests, the authorisation table and the lifecycle story.
import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import type { KeyRow } from '../../../../src/stores/keys.js'

export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
/** What the server's new secrets look like: the prefix and 32 random bytes in base64url. */
export const NEW_SECRET = /^basic_key_[A-Za-z0-9_-]{43}$/
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const REALM = 'Bearer realm="basic-admin"'

export interface Expect { status: number, body: object, challenge?: string }
export const MISSING: Expect = {
  status: 401, body: { error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token>' }, challenge: REALM
}
export const INVALID: Expect = {
  status: 401, body: { error: 'Unauthorized', message: 'The bearer token is invalid, expired or revoked' }, challenge: `${REALM}, error="invalid_token"`
}
export const SCOPE: Expect = {
  status: 401, body: { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' }, challenge: `${REALM}, error="insufficient_scope"`
}
export const NOT_FOUND: Expect = { status: 404, body: { error: 'API key not found' } }
export const NO_BODY_MESSAGE = 'This operation takes no request body'

export type OperationName = 'create' | 'list' | 'verify' | 'get' | 'update' | 'delete' | 'regenerate'

export interface Operation {
  name: OperationName
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  /** Whether the path names a key ({key_id}) as well as a project. */
  byKey: boolean
  url: (project: string, key: string) => string
  /** A body the operation accepts; undefined for an operation without a request body. */
  body?: Record<string, unknown>
}

export const OPERATIONS: Operation[] = [
  { name: 'create', method: 'POST', byKey: false, url: project => `/project/${project}/key`, body: { label: 'Made', roles: 'read' } },
  { name: 'list', method: 'GET', byKey: false, url: project => `/project/${project}/key` },
  { name: 'verify', method: 'POST', byKey: false, url: project => `/project/${project}/key/verify`, body: { key: SECRETS.key_read } },
  { name: 'get', method: 'GET', byKey: true, url: (project, key) => `/project/${project}/key/${key}` },
  { name: 'update', method: 'PATCH', byKey: true, url: (project, key) => `/project/${project}/key/${key}`, body: { label: 'Changed', roles: 'read' } },
  { name: 'delete', method: 'DELETE', byKey: true, url: (project, key) => `/project/${project}/key/${key}` },
  { name: 'regenerate', method: 'POST', byKey: true, url: (project, key) => `/project/${project}/key/${key}/regenerate` }
]

export function operation (name: OperationName): Operation {
  const found = OPERATIONS.find(op => op.name === name)
  if (found === undefined) throw new Error(`no operation ${name}`)
  return found
}

/**
 * One request. `payload` undefined sends the operation's own body (none for bodyless ones); a string is sent
 * as is with a JSON content type unless headers say otherwise; an object is sent as JSON.
 */
export function call (app: FastifyInstance, op: Operation, project: string, key: string, headers: Record<string, string>,
  payload: unknown = op.body): Promise<LightMyRequestResponse> {
  const body = payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload)
  const type = body === undefined || 'content-type' in headers ? {} : { 'content-type': 'application/json' }
  return app.inject({ method: op.method, url: op.url(project, key), payload: body as InjectOptions['payload'], headers: { ...type, ...headers } })
}

/** Every row with its rowid (the list's tie-breaker), to put back exactly. */
export type Snapshot = Array<Record<string, unknown>>

export function snapshot (app: FastifyInstance): Snapshot {
  return app.world.db.prepare('SELECT rowid AS "rowid", * FROM api_keys ORDER BY rowid').all() as Snapshot
}

/** Puts the api_keys table back as snapshot() saw it: cheaper than a new app per case. */
export function restore (app: FastifyInstance, saved: Snapshot): void {
  const first = saved[0]
  if (first === undefined) throw new Error('restore needs a non-empty snapshot')
  const columns = Object.keys(first)
  const insert = app.world.db.prepare(`INSERT INTO api_keys (${columns.join(', ')}) VALUES (${columns.map(c => `@${c}`).join(', ')})`)
  app.world.db.transaction(() => {
    app.world.db.prepare('DELETE FROM api_keys').run()
    for (const row of saved) insert.run(row)
  })()
}

/** The ids whose row appeared, disappeared or changed between two rows() readings. */
export function changedIds (before: KeyRow[], after: KeyRow[]): string[] {
  const old = new Map(before.map(row => [row.id, JSON.stringify(row)]))
  const now = new Map(after.map(row => [row.id, JSON.stringify(row)]))
  return [...new Set([...old.keys(), ...now.keys()])].filter(id => old.get(id) !== now.get(id)).sort()
}

export type Auth = () => Promise<Record<string, string>>
const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
const soon = (): number => Math.floor(Date.now() / 1000) + 600

/** How each kind of refused credential is sent, and the exact answer it gets (docs/api.md, "Authentication and status codes"). */
export const CREDENTIAL_ROWS: Array<[string, Auth, Expect]> = [
  ['no Authorization header', async () => ({}), MISSING],
  ['a Basic scheme', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), MISSING],
  ['"Bearer" with no token', async () => ({ authorization: 'Bearer' }), MISSING],
  ['an unknown API key', async () => bearer('basic_key_unknown_00000000000000000000000000'), INVALID],
  ['a JWT signed with another secret', async () => bearer(await userToken('user_owner', { secret: 'another-secret-that-is-also-32-bytes-long' })), INVALID],
  ['a JWT expired beyond the 30 s tolerance', async () => bearer(await userToken('user_owner', { expiresIn: -31 })), INVALID],
  ['a JWT with alg none', async () => bearer(`${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'user_owner', exp: soon() })}.`), INVALID],
  ['a token that is neither a JWT nor an API key', async () => bearer('hello-world'), INVALID],
  ['a plain member', async () => bearer(await userToken('user_member')), SCOPE],
  ['a non-admin key of the project', async () => bearer(SECRETS.key_read), SCOPE],
  ['a valid JWT of an unknown user', async () => bearer(await userToken('user_nobody')), NOT_FOUND],
  ['the owner of another project', async () => bearer(await userToken('user_outsider')), NOT_FOUND],
  ['an admin key of another project', async () => bearer(SECRETS.key_two_admin), NOT_FOUND]
]

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
async function refused (t: Test, res: LightMyRequestResponse, expected: Expect, before: KeyRow[], after: () => KeyRow[]): Promise<void> {
  t.equal(res.statusCode, expected.status)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.strictSame(res.json(), expected.body)
  t.equal(res.headers['www-authenticate'], expected.challenge)
  t.strictSame(after(), before, 'no row changed')
}

/**
 * The 401 and 404 rows of docs/api.md, "Authentication and status codes" for one operation, on one app (refusals change nothing, so no reset):
 * every refused credential, every target the caller may not see, the scope refusal whether or not the key exists,
 * and the check order (401 before 400 before 404).
 */
export function testRefusals (t: Test, op: Operation): void {
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

/**
 * For an operation without a request body: a body with content is a 400 that changes nothing (a GET's is ignored),
 * while no body or an empty one is accepted. `target` names a key the call may use.
 */
export function testNoBody (t: Test, op: Operation, target: { project: string, key: string }): void {
  const auth = bearer(SECRETS.key_admin)
  const JSON_TYPE = { 'content-type': 'application/json' }
  const refusedBodies: Array<[string, string, Record<string, string>, string]> = [
    ['a JSON object', '{"label":"x"}', JSON_TYPE, NO_BODY_MESSAGE],
    ['an empty JSON object', '{}', JSON_TYPE, NO_BODY_MESSAGE],
    ['JSON null', 'null', JSON_TYPE, NO_BODY_MESSAGE],
    ['malformed JSON', '{"label":', JSON_TYPE, NO_BODY_MESSAGE],
    ['a text/plain body', 'hello', { 'content-type': 'text/plain' }, NO_BODY_MESSAGE],
    ['a form body', 'label=x', { 'content-type': 'application/x-www-form-urlencoded' }, NO_BODY_MESSAGE],
    ['a body without a content type', '{}', { 'transfer-encoding': 'chunked' }, NO_BODY_MESSAGE]
  ]
  if (op.method === 'GET') {
    t.test(`${op.name}: a GET's body is never read: the answer is the one without a body`, async t => {
      const { app, rows } = await build(t)
      const owner = bearer(await userToken('user_owner'))
      const plain = await call(app, op, target.project, target.key, owner)
      t.equal(plain.statusCode, 200)
      const before = rows()
      for (const [what, payload, headers] of refusedBodies) {
        const res = await app.inject({ method: op.method, url: op.url(target.project, target.key), headers: { ...owner, ...headers }, payload })
        t.equal(res.statusCode, 200, what)
        t.equal(res.body, plain.body, what)
      }
      t.strictSame(rows(), before)
    })
    return
  }
  t.test(`${op.name}: a request body with content is refused with 400 and changes nothing`, async t => {
    const { app, rows } = await build(t)
    const before = rows()
    for (const [what, payload, headers, message] of refusedBodies) {
      const res = await app.inject({ method: op.method, url: op.url(target.project, target.key), headers: { ...auth, ...headers }, payload })
      t.equal(res.statusCode, 400, what)
      t.strictSame(res.json(), { error: 'Bad Request', message }, what)
      t.strictSame(rows(), before, `${what}: no row changed, not even the caller's last_used`)
    }
  })

  const accepted: Array<[string, string | undefined, Record<string, string>]> = [
    ['no body and no content type', undefined, {}],
    ['an empty body with the JSON content type', '', { 'content-type': 'application/json' }],
    ['a body of only whitespace with the JSON content type', ' \r\n', { 'content-type': 'application/json; charset=utf-8' }],
    // What clients send for "POST with no body": curl -d '' and Java a form type, fetch with body '' text/plain.
    ['an empty body with a form content type', '', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['an empty body with text/plain', '', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['an empty chunked body without a content type', '', { 'transfer-encoding': 'chunked' }],
    // Blanks are no content whatever the type says: the same answer as with the JSON type above.
    ['a body of only whitespace with text/plain', ' \r\n', { 'content-type': 'text/plain' }],
    ['a body of only whitespace with a form content type', '  ', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a chunked body of only whitespace without a content type', '\t ', { 'transfer-encoding': 'chunked' }]
  ]
  t.test(`${op.name}: no body, or an empty one under any content type, is accepted`, async t => {
    const { app } = await build(t)
    const saved = snapshot(app)
    for (const [what, payload, headers] of accepted) {
      const res = await app.inject({ method: op.method, url: op.url(target.project, target.key), headers: { ...auth, ...headers }, ...(payload === undefined ? {} : { payload }) })
      t.equal(res.statusCode, 200, `${what}: ${res.body}`)
      // Each case meets the key as it was: a delete or regeneration is undone.
      restore(app, saved)
    }
  })
}
