import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { acceptStragglers } from './plugins/shutdown.js'
import { DEVELOPMENT_SECRET_WARNING, usesDevelopmentSecret, type Config } from './config.js'
import { demoCurl } from './domain/demo.js'
import { readFixtureFile } from './domain/fixture.js'
import { demoKey } from './operations/seed.js'

const SHUTDOWN_GRACE_MS = 10_000

/** The only place that listens: builds the app, listens, prints how to call it, and shuts down on signals. */
export async function serve (config: Config): Promise<FastifyInstance> {
  const fixture = config.SEED_FILE === undefined ? undefined : readFixtureFile(config.SEED_FILE)
  const app = await buildApp({ config, fixture, fixtureSource: config.SEED_FILE, demo: true })
  // A stuck client cannot hold a connection (or a graceful shutdown) forever.
  app.server.requestTimeout = 30_000
  app.server.headersTimeout = 10_000
  try {
    await app.listen({ port: config.PORT, host: config.HOST })
  } catch (error) {
    await app.close()
    throw error
  }
  // Only once started, so that a failed start is still one line.
  if (usesDevelopmentSecret(config)) process.stderr.write(DEVELOPMENT_SECRET_WARNING + '\n')

  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT
  const host = ['0.0.0.0', '::'].includes(config.HOST) ? '127.0.0.1' : config.HOST
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const curl = demoCurl(demoKey(app.world), url)
  process.stdout.write(`basic-admin-mock listening on ${url} (database ${config.DATABASE_PATH})\n`)
  if (curl !== undefined) process.stdout.write(`Try the demo key:\n${curl}\n`)

  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    // Past the grace period, exit anyway: every answered write is already committed.
    setTimeout(() => { app.log.error('shutdown timed out'); process.exit(1) }, SHUTDOWN_GRACE_MS).unref()
    app.startDraining()
    acceptStragglers(app.server).then(async () => await app.close()).then(() => process.exit(0), (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
  return app
}
