// Builds the real app on a fresh SQLite file per test and closes it afterwards.
import { join } from 'node:path'
import type { Test } from 'tap'
import Database from 'better-sqlite3'
import { SignJWT } from 'jose'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppOptions } from '../src/app.js'
import { loadConfig, type Config } from '../src/settings/config.js'
import type { Fixture } from '../src/domain/fixture.js'
import type { KeyRow } from '../src/stores/keys.js'

export const TEST_SECRET = 'a-test-secret-that-is-32-bytes-or-longer'

// One project everyone is related to in a different way, and one other project.
export const SECRETS = {
  key_admin: 'basic_key_test_admin_0000000000000000000000',
  key_read: 'basic_key_test_read_00000000000000000000000',
  key_two_admin: 'basic_key_test_two_admin_000000000000000000',
  key_two_read: 'basic_key_test_two_read_0000000000000000000'
}

export const FIXTURE: Fixture = {
  users: [
    { id: 'user_owner', email: 'owner@example.com', name: 'Owner' },
    { id: 'user_admin', email: 'admin@example.com', name: 'Admin' },
    { id: 'user_member', email: 'member@example.com', name: 'Member' },
    { id: 'user_outsider', email: 'outsider@example.com', name: 'Outsider' }
  ],
  projects: [{
    id: 'proj_one',
    name: 'One',
    members: [
      { user: 'user_owner', role: 'owner' },
      { user: 'user_admin', role: 'admin' },
      { user: 'user_member', role: 'member' }
    ],
    keys: [
      { id: 'key_admin', label: 'Admin key', roles: 'admin', value: SECRETS.key_admin },
      { id: 'key_read', label: 'Read key', roles: 'read,app:db:read', value: SECRETS.key_read }
    ]
  }, {
    id: 'proj_two',
    name: 'Two',
    members: [{ user: 'user_outsider', role: 'owner' }],
    keys: [
      { id: 'key_two_admin', label: 'Two admin', roles: 'admin', value: SECRETS.key_two_admin },
      { id: 'key_two_read', label: 'Two read', roles: 'read', value: SECRETS.key_two_read }
    ]
  }]
}

export function testConfig (dir: string, overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', DATABASE_PATH: join(dir, 'test.db') }), ...overrides }
}

export interface Built {
  app: FastifyInstance
  config: Config
  /** The row as stored, read through the app's own connection. */
  row: (keyId: string) => KeyRow | undefined
  rows: () => KeyRow[]
}

export async function build (t: Test, options: Omit<Partial<AppOptions>, 'config'> & { config?: Partial<Config> } = {}): Promise<Built> {
  const config = testConfig(t.testdir(), options.config)
  const app = await buildApp({ fixture: FIXTURE, logger: false, ...options, config })
  t.teardown(() => app.close())
  return {
    app,
    config,
    row: id => app.world.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined,
    rows: () => app.world.db.prepare('SELECT * FROM api_keys ORDER BY id').all() as KeyRow[]
  }
}

/** A user token signed by jose, an implementation independent of the server's. */
export async function userToken (sub: string | undefined, options: {
  secret?: string, expiresIn?: number, claims?: Record<string, unknown>, header?: Record<string, unknown>
} = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const jwt = new SignJWT({ ...(sub === undefined ? {} : { sub }), iat: now, exp: now + (options.expiresIn ?? 3600), ...options.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...options.header })
  return await jwt.sign(new TextEncoder().encode(options.secret ?? TEST_SECRET))
}

export function bearer (token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

export function patchKey (app: FastifyInstance, project: string, key: string, body: unknown, headers: Record<string, string>, extra: Partial<InjectOptions> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'PATCH', url: `/project/${project}/key/${key}`, payload: body as InjectOptions['payload'], headers, ...extra })
}

/** Rows of a database file, read through a separate connection (as another process would) that may not write. */
export function query<T> (path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { fileMustExist: true })
  try {
    db.pragma('query_only = ON')
    return db.prepare(sql).all(...params) as T[]
  } finally {
    db.close()
  }
}

/** The contract's 400: JSON, exactly {error: 'Bad Request', message}, the message naming the problem. */
export function assertBadRequest (t: Test, res: LightMyRequestResponse, message: string | RegExp): void {
  t.equal(res.statusCode, 400)
  t.equal(res.headers['content-type'], 'application/json')
  const body = res.json() as { error: string, message: string }
  t.strictSame(Object.keys(body), ['error', 'message'])
  t.equal(body.error, 'Bad Request')
  t.match(body.message, message)
}
