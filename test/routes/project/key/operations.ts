// The key operations as data, and the refused credentials they all share: written once for the per-operation
// tests, the refusal and no-body tests across operations, the authorisation table and the lifecycle story.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { bearer, SECRETS, userToken } from '../../../helper.js'
import type { KeyRow } from '../../../../src/stores/keys.js'
import { INVALID, MISSING, NOT_FOUND, SCOPE, type FixedAnswer } from '../../../answers.js'

export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
/** What the server's new secrets look like: the prefix and 32 random bytes in base64url. */
export const NEW_SECRET = /^basic_key_[A-Za-z0-9_-]{43}$/
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export type Expect = FixedAnswer
export { INVALID, MISSING, NOT_FOUND, SCOPE }
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
