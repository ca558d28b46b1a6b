import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './config.js'
import { DURATION_HINT, parseDuration } from './services/duration.js'
import { checkFixture, readFixtureFile, type Fixture } from './services/fixtures.js'
import { normaliseLabel, normaliseRoles } from './services/rules.js'

export interface MockServerOptions {
  /** The seed: a fixture object or the path of a fixture file. Default: the demo data (proj_demo, user_demo, key_demo). */
  fixture?: Fixture | string
  /** Default ':memory:', a fresh database per server. */
  databasePath?: string
  /** Default 0, a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** HS256 secret of user tokens; default a random one, so only token() mints tokens this server accepts. */
  jwtSecret?: string
  jwtIssuer?: string
  jwtAudience?: string
  /** An ISO instant: the clock starts there and moves 1 ms per write (see CLOCK). */
  clock?: string
  /** Enables the /__admin control plane for this bearer token (at least 16 characters). */
  adminToken?: string
  /** Default 'silent'. */
  logLevel?: Config['LOG_LEVEL']
}

export interface CreatedKey {
  id: string
  label: string
  roles: string
  /** The secret, to send as `Authorization: Bearer <value>`. */
  value: string
  created_at: string
}

export interface MockServer {
  /** e.g. http://127.0.0.1:41234, no trailing slash */
  url: string
  /** The Fastify instance, for inject() and anything else in-process. */
  app: FastifyInstance
  close: () => Promise<void>
  /** Back to the seed (and the clock to its start), in one transaction. */
  reset: () => Promise<void>
  /** A user JWT this server accepts. */
  token: (userId: string, options?: { alg?: 'HS256' | 'RS256', expiresIn?: string }) => string
  /** A new API key in an existing project; label and roles follow the API's body rules. */
  createKey: (projectId: string, label: string, roles: string) => CreatedKey
}

/** The whole server in the caller's process, listening on a free port with an in-memory database. */
export async function startMockServer (options: MockServerOptions = {}): Promise<MockServer> {
  const env: Record<string, string | undefined> = {
    DATABASE_PATH: options.databasePath ?? ':memory:',
    JWT_SECRET: options.jwtSecret ?? randomBytes(32).toString('base64url'),
    JWT_ISSUER: options.jwtIssuer,
    JWT_AUDIENCE: options.jwtAudience,
    CLOCK: options.clock,
    ADMIN_TOKEN: options.adminToken,
    LOG_LEVEL: options.logLevel ?? 'silent'
  }
  const config = loadConfig(env)
  // An object is checked like a file's contents: the loader trusts its shape (a bad key value would be stored as a secret).
  const fixture = typeof options.fixture === 'string' ? readFixtureFile(options.fixture) : options.fixture === undefined ? undefined : checkFixture(options.fixture)
  const app = await buildApp({ config, fixture, fixtureSource: typeof options.fixture === 'string' ? options.fixture : undefined, demo: fixture === undefined })
  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  } catch (error) {
    await app.close()
    throw error
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const host = options.host ?? '127.0.0.1'
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    app,
    close: async () => { await app.close() },
    reset: async () => { app.resetToSeed() },
    token: (userId, tokenOptions = {}) => {
      const expiresIn = parseDuration(tokenOptions.expiresIn ?? '1h')
      if (expiresIn === undefined) throw new TypeError(`expiresIn must ${DURATION_HINT} (got ${JSON.stringify(tokenOptions.expiresIn)})`)
      return app.jwt.sign(userId, { expiresIn, alg: tokenOptions.alg ?? 'HS256' })
    },
    createKey: (projectId, label, roles) => {
      if (!app.access.projectExists(projectId)) throw new TypeError(`unknown project ${JSON.stringify(projectId)}`)
      const key = { label: normaliseLabel(label), roles: normaliseRoles(roles) }
      const created = app.keys.create(projectId, key)
      return { id: created.id, ...key, value: created.secret, created_at: new Date(created.created_at).toISOString() }
    }
  }
}
