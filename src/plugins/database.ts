import fp from 'fastify-plugin'
import type { Clock } from '../clock.js'
import { BACKSTOP_PAGES, startCheckpointer, type Checkpointer } from '../db/checkpointer.js'
import { openDatabase } from '../db/database.js'
import { migrate, readMigrations } from '../db/migrate.js'
import { migrationsDir } from '../paths.js'
import { DEMO_FIXTURE } from '../services/demo.js'
import { isEmpty, loadFixture, type Fixture } from '../services/fixtures.js'
import { createReset } from '../services/seed.js'
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
    /** Loads a fixture as the seed does (insert missing rows only), in one transaction. */
    loadFixture: (fixture: Fixture, source?: string) => { created: number }
    /** Back to the seed state in one transaction: every user, project, member and key goes, the seed comes back. */
    resetToSeed: () => { created: number }
  }
}

const CHECKPOINT_INTERVAL_MS = 50

/** Opens and migrates the database, seeds it, and exposes the stores; closes it with the app. */
export default fp<DatabaseOptions>(async function databasePlugin (app, options) {
  const db = openDatabase(options.path)
  try {
    // Real time, not the clock: bookkeeping must not take a CLOCK tick, or a fresh start and a reset would answer differently.
    const applied = migrate(db, readMigrations(migrationsDir), Date.now())
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
  // A listening server checkpoints in a worker thread (see db/checkpointer.ts); inject()-only apps need not.
  let checkpointer: Checkpointer | undefined
  if (options.path !== ':memory:' && !options.path.startsWith('file:')) {
    app.addHook('onListen', async () => {
      checkpointer = startCheckpointer(options.path, {
        intervalMs: CHECKPOINT_INTERVAL_MS,
        onError: error => app.log.error({ err: error }, 'background checkpoint failed')
      })
      db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
    })
  }
  app.addHook('onClose', async () => {
    await checkpointer?.stop()
    db.close()
  })
  app.decorate('db', db)
  app.decorate('clock', options.clock)
  const keys = createKeyStore(db, options.clock)
  app.decorate('keys', keys)
  app.decorate('access', createAccessStore(db))
  app.decorate('loadFixture', (fixture: Fixture, source?: string) => loadFixture(db, fixture, options.clock, source))
  // The seed is SEED_FILE's fixture, or the demo data when the server loads it; reset also rewinds a CLOCK.
  const seed = options.fixture ?? (options.demo === true ? DEMO_FIXTURE : undefined)
  app.decorate('resetToSeed', createReset(db, { seed, clock: options.clock, source: options.fixtureSource, onWipe: keys.forget }))
}, { name: 'database' })
