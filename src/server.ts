import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, DEVELOPMENT_SECRET_WARNING, usesDevelopmentSecret, type Config } from './settings/config.js'
import { demoBanner } from './domain/demo.js'
import { FixtureError, type Fixture } from './domain/fixture.js'
import { printable } from './domain/printable.js'
import { demoKey } from './operations/seed.js'
import { readSeedFile, seedFileError } from './settings/seed-file.js'
import { loadTls, type Tls } from './settings/tls.js'
import { listenerUrls, listenTls } from './tls-listener.js'

const SHUTDOWN_GRACE_MS = 10_000

/** The only place that listens: builds the app, listens, prints how to call it, and shuts down on signals. */
export async function serve (config: Config, fixture: Fixture | undefined = config.SEED_FILE === undefined ? undefined : readSeedFile(config.SEED_FILE)): Promise<FastifyInstance> {
  // Before the app: a certificate that cannot be used stops the start with one line naming its setting.
  const tls = await loadTls(config)
  const twoPorts = tls !== undefined && config.HTTPS_PORT !== undefined
  const app = await seedErrors(config, async () => await buildApp({ config, fixture, fixtureSource: config.SEED_FILE, demo: true, https: twoPorts ? undefined : tls, checkSchemas: false }))
  if (tls !== undefined) app.server.once('close', tls.dispose)
  // A stuck client cannot hold a connection (or a graceful shutdown) forever.
  app.server.requestTimeout = 30_000
  app.server.headersTimeout = 10_000
  try {
    await app.listen({ port: config.PORT, host: config.HOST })
  } catch (error) {
    await app.close()
    throw listenError(error, config)
  }
  let httpsPort: number | undefined
  if (twoPorts) {
    try {
      httpsPort = (await listenTls(app, tls, config.HTTPS_PORT!, config.HOST)).port
    } catch (error) {
      await app.close()
      throw listenError(error, config, 'HTTPS_PORT')
    }
  }
  // Only once started, so that a failed start is still one line.
  if (usesDevelopmentSecret(config)) process.stderr.write(DEVELOPMENT_SECRET_WARNING + '\n')

  const { url, httpsUrl } = listenerUrls(app, config.HOST, tls === undefined ? 'none' : twoPorts ? 'beside' : 'alone', httpsPort)
  const urls = twoPorts ? `${url} and ${httpsUrl!}` : url

  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    // A backstop the stop itself never reaches (src/plugins/shutdown.ts ends in seconds): every answered write is committed.
    setTimeout(() => { app.log.error('shutdown timed out'); process.exit(1) }, SHUTDOWN_GRACE_MS).unref()
    app.stopGracefully().then(() => process.exit(0), (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    })
  }
  // on, not once: under `npm start` a Ctrl-C reaches the server twice (from the terminal, and forwarded by npm), and a
  // second signal with no handler would kill it half-way through the shutdown. The grace period bounds it anyway.
  // (close-with-grace, which fastify/demo uses, exits 1 on that second signal: it does not fit.)
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  // Only now: whoever sees the banner and signals at once (a terminal's Ctrl-C, a test) gets the graceful shutdown.
  const key = demoKey(app.world)
  const demo = demoBanner(key.principal, key.exists, url, config.SEED_FILE === undefined)
  const controlPlane = config.ADMIN_TOKEN === undefined ? 'control plane: off, ADMIN_TOKEN turns it on' : 'control plane: on at /__admin'
  const cors = config.CORS_ORIGIN === undefined ? 'CORS: off, CORS_ORIGIN turns it on' : `CORS: on for ${config.CORS_ORIGIN}`
  // One line, whatever the settings hold (src/domain/printable.ts): a CI log reads it.
  process.stdout.write(printable(`basic-admin-mock listening on ${urls} (database ${config.DATABASE_PATH}; ${controlPlane}; ${cors})`) + '\n')
  if (tls !== undefined) process.stdout.write(printable(certificateLine(tls, config)) + '\n')
  if (demo !== undefined) process.stdout.write(`${demo}\n`)
  return app
}

/** A fixture that fails half-way through its load is named by its setting too. */
async function seedErrors<T> (config: Config, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    throw error instanceof FixtureError && config.SEED_FILE !== undefined ? seedFileError(config.SEED_FILE, error) : error
  }
}

/** The banner's line for a client to trust the certificate. */
function certificateLine (tls: Tls, config: Config): string {
  const made = config.HTTPS === undefined ? 'TLS_CERT' : `generated for ${config.HTTPS}`
  return `certificate ${tls.certPath} (${made}; SHA-256 fingerprint ${tls.fingerprint}): trust it with curl --cacert ${tls.certPath}, or NODE_EXTRA_CA_CERTS=${tls.certPath} for Node`
}

/** Node's listen errors, as the setting to change. */
export function listenError (error: unknown, config: Config, setting: 'PORT' | 'HTTPS_PORT' = 'PORT'): unknown {
  const { code, message } = error as NodeJS.ErrnoException
  const where = `${setting} ${setting === 'PORT' ? config.PORT : config.HTTPS_PORT} on HOST ${config.HOST}`
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(`${where} is already in use (EADDRINUSE): stop what listens there, or set ${setting} to another port (0 picks a free one)`)
    case 'EACCES':
      return new ConfigError(`${where} needs privileges this user lacks (EACCES): set ${setting} to 1024 or above (0 picks a free one)`)
    case 'EADDRNOTAVAIL':
      return new ConfigError(`HOST ${config.HOST} is not an address of this machine (EADDRNOTAVAIL): set HOST to 127.0.0.1, or 0.0.0.0 for every interface`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`HOST ${config.HOST} cannot be resolved (${code}): set HOST to an address such as 127.0.0.1, or 0.0.0.0 for every interface`)
    default:
      return code === undefined ? error : new ConfigError(`cannot listen on ${where} (${code}: ${message}): check ${setting} and HOST`)
  }
}
