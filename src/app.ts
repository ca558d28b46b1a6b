import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { steppingClock, systemClock, type Clock } from './domain/clock.js'
import { clockStart, loadConfig, type Config } from './settings/config.js'
import type { Fixture } from './domain/fixture.js'
import { fastifyOptions, redactorFor, type LogStream } from './http/options.js'
import { JSON_TYPE } from './http/refusals.js'
import { seedKeyHashes, seedOnStart } from './operations/seed.js'
import checkpointerPlugin from './plugins/checkpointer.js'
import coveragePlugin from './plugins/coverage.js'
import corsPlugin from './plugins/cors.js'
import errorsPlugin from './plugins/errors.js'
import expectPlugin from './plugins/expect.js'
import faultsPlugin, { preferRefused } from './plugins/faults.js'
import hostPlugin from './plugins/host.js'
import journalPlugin from './plugins/journal.js'
import jsonBodyPlugin from './plugins/json-body.js'
import requestOrderPlugin from './plugins/request-order.js'
import shutdownPlugin from './plugins/shutdown.js'
import swaggerPlugin from './plugins/swagger.js'
import tokensPlugin from './plugins/tokens.js'
import namespacePlugin from './plugins/namespace.js'
import worldPlugin from './plugins/world.js'
import controlPlane from './routes/admin/index.js'
import controlPlaneOff from './routes/admin/off.js'
import jwksRoutes from './routes/auth/jwks.js'
import healthRoutes from './routes/health.js'
import keyRoutes from './routes/project/key/index.js'
import { createNamespaces } from './namespaces.js'
import { createProxyFindings } from './operations/proxy-findings.js'
import { proxied, type ProxySettings } from './proxy/settings.js'
import shapeOnlyPlugin from './plugins/shape-only.js'
import { createControlPlane } from './operations/control-plane.js'
import { readProviderStatesFile } from './settings/provider-states-file.js'
import { HANDSHAKE_TIMEOUT_MS } from './settings/tls.js'
import { createJournalBudget, openWorld } from './world.js'

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
  /** Check every route schema against the meta-schema as it compiles (on unless the CLI's serve says otherwise: src/http/options.ts). */
  checkSchemas?: boolean
  /** Keep the journal and coverage counts even without ADMIN_TOKEN (startMockServer reads them in-process). */
  record?: boolean
  /** Listen with TLS, this key pair (src/settings/tls.ts). */
  https?: { key: string, cert: string }
  /** Forward every request but /__admin to this target, validating each exchange (src/proxy/, docs/drift.md). */
  proxy?: ProxySettings
  /** Stop every request before its handler (the proxy's shadow mock, src/proxy/predict.ts). */
  shapeOnly?: boolean
}

/** Builds the whole app, ready to inject or listen; it never listens itself. */
export async function buildApp (options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const fastifyConfig = fastifyOptions(config, options.logStream, options.checkSchemas)
  const app = (Fastify({ ...fastifyConfig, ...(options.logger === undefined ? {} : { logger: options.logger }), ...(options.https === undefined ? {} : { https: { key: options.https.key, cert: options.https.cert, handshakeTimeout: HANDSHAKE_TIMEOUT_MS } }) }) as unknown as FastifyInstance)
    .withTypeProvider<TypeBoxTypeProvider>()
  // Each namespace has a clock of its own: with CLOCK, each starts at that instant.
  const clockOfNew = (): Clock => options.clock ?? (config.CLOCK === undefined ? systemClock : steppingClock(clockStart(config.CLOCK)!))
  const seed = { fixture: options.fixture, source: options.fixtureSource, demo: options.fixture === undefined && options.demo === true }
  const journal = { journalSize: config.JOURNAL_SIZE, journalBytes: config.JOURNAL_BYTES, journalBudget: createJournalBudget(config.JOURNAL_TOTAL_BYTES) }
  const world = openWorld({ path: config.DATABASE_PATH, clock: clockOfNew(), seed, ...journal, faultSeed: config.FAULT_SEED })
  try {
    if (world.migrated.length > 0) app.log.info({ applied: world.migrated }, 'database migrated')
    const seeded = seedOnStart(world)
    if (seeded !== undefined) app.log.info(seeded, 'fixture loaded')
  } catch (error) {
    await world.close()
    throw error
  }
  const namespaces = createNamespaces({
    defaultWorld: world,
    // Empty, in memory, journaling nothing: what a request of a namespace not open meets until one authenticates.
    strangerWorld: openWorld({ name: 'stranger', path: ':memory:', clock: systemClock, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 }),
    seedKeyHashes: seedKeyHashes(seed),
    limit: config.NAMESPACE_LIMIT,
    open: (name, path) => {
      const opened = openWorld({ name, path, clock: clockOfNew(), seed, ...journal, faultSeed: config.FAULT_SEED })
      try {
        seedOnStart(opened)
      } catch (error) {
        opened.close().catch(() => {})
        throw error
      }
      return opened
    }
  })
  const redact = redactorFor(config)
  // Every answer names its request, so a client's report can be matched to the server's log lines.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  // RFC 8259 registers application/json without a charset; Fastify appends one, which strict validators (Dredd) refuse.
  app.addHook('onSend', (request, reply, payload, done) => {
    // A proxied answer is the target's, unchanged (src/proxy/plugin.ts).
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8' && !proxied.has(request.raw)) reply.header('content-type', JSON_TYPE)
    done(null, payload)
  })
  try {
    if (config.CORS_ORIGIN !== undefined) await app.register(corsPlugin, { origin: config.CORS_ORIGIN })
    await app.register(worldPlugin, { namespaces })
    await app.register(hostPlugin)
    // Loaded only for a proxy: a plain server starts without the forwarding library.
    const findings = options.proxy === undefined ? undefined : createProxyFindings(options.proxy.target.origin + options.proxy.target.pathname.replace(/\/+$/, ''))
    if (options.proxy !== undefined) {
      // The shadow mock that says what the mock would have answered: in memory, the demo data, stopping before handlers.
      const shadowConfig = loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'silent' })
      const shadow = await buildApp({ config: shadowConfig, demo: true, logger: false, shapeOnly: true, checkSchemas: options.checkSchemas })
      await app.register((await import('./proxy/plugin.js')).default, { ...options.proxy, findings: findings!, namespaces, redact, shadow })
    }
    await app.register(requestOrderPlugin)
    // Pipelined requests wait for their turn before their namespace is looked up: one sent after a drop meets it done.
    await app.register(namespacePlugin)
    await app.register(expectPlugin)
    await app.register(shutdownPlugin)
    await app.register(errorsPlugin, { redact })
    await app.register(jsonBodyPlugin)
    await app.register(checkpointerPlugin)
    await app.register(tokensPlugin, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, privateKeyFile: config.JWT_PRIVATE_KEY_FILE })
    // The one control plane: /__admin and startMockServer both call it.
    app.decorate('controlPlane', createControlPlane(namespaces, app.jwt, findings))
    if (config.ADMIN_TOKEN !== undefined || options.record === true) {
      await app.register(coveragePlugin)
      await app.register(journalPlugin, { redact })
    }
    if (config.ADMIN_TOKEN !== undefined) {
      // Faults and Prefer exist only with the control plane.
      await app.register(faultsPlugin)
      const providerStates = config.PROVIDER_STATES === undefined ? undefined : { states: readProviderStatesFile(config.PROVIDER_STATES), source: config.PROVIDER_STATES }
      await app.register(controlPlane, { token: config.ADMIN_TOKEN, providerStates })
    } else {
      // Without it, Prefer: code= is refused, and /__admin says it is off.
      await app.register(preferRefused)
      await app.register(controlPlaneOff)
    }
    if (options.shapeOnly === true) await app.register(shapeOnlyPlugin)
    await app.register(swaggerPlugin)
    await app.register(healthRoutes)
    await app.register(jwksRoutes)
    await app.register(keyRoutes)
    await app.ready()
  } catch (error) {
    // A plugin that cannot start (a bad JWT_PRIVATE_KEY_FILE) must not leave a database open.
    await namespaces.close()
    throw error
  }
  return app
}
