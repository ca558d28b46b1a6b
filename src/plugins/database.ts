import fp from 'fastify-plugin'
import type { Clock } from '../clock.js'
import { openDatabase } from '../db/database.js'
import { migrate, readMigrations } from '../db/migrate.js'
import { migrationsDir } from '../paths.js'
import { DEMO_FIXTURE } from '../services/demo.js'
import { isEmpty, loadFixture, type Fixture } from '../services/fixtures.js'
import { createAccessStore } from '../stores/access.js'
import { createKeyStore } from '../stores/keys.js'

export interface DatabaseOptions {
  path: string
  clock: Clock
  /** Loaded at every start (idempotently). */
  fixture?: Fixture | undefined
  /** Where the fixture came from (a file path), for error messages. */
  fixtureSource?: string | undefined
  /** Load the demo project when there is no fixture and the database is empty. */
  demo?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    db: ReturnType<typeof openDatabase>
    clock: Clock
    keys: ReturnType<typeof createKeyStore>
    access: ReturnType<typeof createAccessStore>
  }
}

/** Opens and migrates the database, seeds it, and exposes the stores; closes it with the app. */
export default fp<DatabaseOptions>(async function databasePlugin (app, options) {
  const db = openDatabase(options.path)
  try {
    const applied = migrate(db, readMigrations(migrationsDir), options.clock.now())
    if (applied.length > 0) app.log.info({ applied }, 'database migrated')
    const fixture = options.fixture ?? (options.demo === true && isEmpty(db) ? DEMO_FIXTURE : undefined)
    if (fixture !== undefined) {
      const { created } = loadFixture(db, fixture, options.clock, options.fixtureSource)
      app.log.info({ created, demo: fixture === DEMO_FIXTURE }, 'fixture loaded')
    }
  } catch (error) {
    db.close()
    throw error
  }
  app.addHook('onClose', async () => { db.close() })
  app.decorate('db', db)
  app.decorate('clock', options.clock)
  app.decorate('keys', createKeyStore(db, options.clock))
  app.decorate('access', createAccessStore(db))
}, { name: 'database' })
