import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { steppingClock, systemClock, type Clock } from './clock.js'
import { clockStart, type Config } from './config.js'
import { fastifyOptions, type LogStream } from './options.js'
import authPlugin from './plugins/auth.js'
import corsPlugin from './plugins/cors.js'
import databasePlugin from './plugins/database.js'
import errorsPlugin from './plugins/errors.js'
import jsonBodyPlugin from './plugins/json-body.js'
import swaggerPlugin from './plugins/swagger.js'
import adminRoutes from './routes/admin.js'
import jwksRoutes from './routes/auth/jwks.js'
import healthRoutes from './routes/health.js'
import keyRoutes from './routes/project/key/index.js'
import type { Fixture } from './services/fixtures.js'

export interface AppOptions {
  config: Config
  clock?: Clock
  /** A parsed fixture to load at start (the server passes SEED_FILE's). */
  fixture?: Fixture | undefined
  /** Where the fixture came from (a file path), for error messages. */
  fixtureSource?: string | undefined
  /** Load the demo project into an empty database when there is no fixture. */
  demo?: boolean
  /** Replaces the logger of fastifyOptions (tests pass false). */
  logger?: boolean
  /** The logger of fastifyOptions, writing its lines here instead of stdout. */
  logStream?: LogStream
}

/** Builds the whole app, ready to inject or listen; it never listens itself. */
export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const fastifyConfig = fastifyOptions(config, options.logStream)
  const app = Fastify(options.logger === undefined ? fastifyConfig : { ...fastifyConfig, logger: options.logger })
    .withTypeProvider<TypeBoxTypeProvider>()
  const clock = options.clock ?? (config.CLOCK === undefined ? systemClock : steppingClock(clockStart(config.CLOCK)!))
  // Every answer names its request, so a client's report can be matched to the server's log lines.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  if (config.CORS_ORIGIN !== undefined) await app.register(corsPlugin, { origin: config.CORS_ORIGIN })
  await app.register(errorsPlugin)
  await app.register(jsonBodyPlugin)
  await app.register(databasePlugin, { path: config.DATABASE_PATH, clock, fixture: options.fixture, fixtureSource: options.fixtureSource, demo: options.demo ?? false })
  await app.register(authPlugin, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, privateKeyFile: config.JWT_PRIVATE_KEY_FILE })
  // Before the routes, so that its journal hook sees every one of them.
  if (config.ADMIN_TOKEN !== undefined) await app.register(adminRoutes, { token: config.ADMIN_TOKEN, journalSize: config.JOURNAL_SIZE })
  await app.register(swaggerPlugin)
  await app.register(healthRoutes)
  await app.register(jwksRoutes)
  await app.register(keyRoutes)
  await app.ready()
  return app
}
