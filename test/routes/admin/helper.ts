// Shared by the control-plane tests: its routes, the strangers who must not see them, and readers of the state.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { ADMIN_TOKEN } from '../../answers.js'
import { bearer, SECRETS, userToken } from '../../helper.js'

export { ADMIN_TOKEN }
export const ADMIN = bearer(ADMIN_TOKEN)
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

export type Method = 'GET' | 'POST' | 'DELETE'
export interface Route { method: Method, url: string, payload?: object }

// Every control-plane route, each with input it accepts.
export const ROUTES: Route[] = [
  { method: 'POST', url: '/__admin/reset' },
  { method: 'POST', url: '/__admin/fixtures', payload: { users: [{ id: 'user_new', email: 'new@example.com' }] } },
  { method: 'GET', url: '/__admin/requests' },
  { method: 'GET', url: '/__admin/requests?path=/project/*&status=200' },
  { method: 'DELETE', url: '/__admin/requests' },
  { method: 'POST', url: '/__admin/tokens', payload: { user: 'user_owner', alg: 'HS256' } }
]

/** Everyone who is not the admin token's bearer. */
export async function strangers (): Promise<Array<[string, Record<string, string>]>> {
  return [
    ['no Authorization header', {}],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['a wrong token', bearer('not-the-admin-token-0123456789')],
    ['the admin token and one character more', bearer(`${ADMIN_TOKEN}x`)],
    ['the admin token but its last character', bearer(ADMIN_TOKEN.slice(0, -1))],
    ['the admin token without a scheme', { authorization: ADMIN_TOKEN }],
    ['the admin token as Basic credentials', { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` }],
    ['the admin token under another scheme', { authorization: `Token ${ADMIN_TOKEN}` }],
    ['a valid user JWT of the project owner', bearer(await userToken('user_owner'))],
    ['a valid admin API key', bearer(SECRETS.key_admin)]
  ]
}

export function send (app: FastifyInstance, route: Route, headers: Record<string, string>, payload?: InjectOptions['payload']): Promise<LightMyRequestResponse> {
  const body = payload ?? route.payload as InjectOptions['payload']
  return app.inject({ method: route.method, url: route.url, headers, ...(body === undefined ? {} : { payload: body }) })
}

/** An answer without what differs per request (date, request id). */
export function bytes (res: LightMyRequestResponse) {
  const { date, 'x-request-id': id, ...headers } = res.headers
  return { status: res.statusCode, headers, body: res.body }
}

export function notFound (method: string, url: string): string {
  return JSON.stringify({ error: 'Not Found', message: `Route ${method} ${url.split('?')[0]} not found` })
}

/** Every row of the seeded tables, times left out (the seed is reloaded at a new "now"). */
export function state (app: FastifyInstance) {
  return {
    users: app.world.db.prepare('SELECT id, email, name FROM users ORDER BY id').all(),
    projects: app.world.db.prepare('SELECT id, name FROM projects ORDER BY id').all(),
    members: app.world.db.prepare('SELECT project_id, user_id, role FROM project_members ORDER BY project_id, user_id').all(),
    keys: app.world.db.prepare(`SELECT id, project_id, label, roles, hex(key_hash) AS hash, is_private, last_used, created_at = updated_at AS unchanged
      FROM api_keys ORDER BY id`).all()
  }
}

export async function journal (app: FastifyInstance, query = ''): Promise<Array<Record<string, unknown>>> {
  const res = await app.inject({ method: 'GET', url: `/__admin/requests${query}`, headers: ADMIN })
  if (res.statusCode !== 200) throw new Error(`journal: ${res.statusCode} ${res.body}`)
  return res.json().requests
}

export function claims (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
}

export function header (token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
}
