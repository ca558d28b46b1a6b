// A world: one database with its stores, the unit of work that orders and commits every operation on it, the key
// memory, the journal and the clock. The app builds one (the default namespace); everything that acts on data is
// given a world, never a database. See docs/architecture.md.
import type { Clock } from './domain/clock.js'
import type { Fixture } from './domain/fixture.js'
import { DEFAULT_NAMESPACE, NamespaceDroppedError } from './domain/namespace.js'
import { openDatabase, writeTransaction, type Db } from './db/database.js'
import { migrate, readMigrations } from './db/migrate.js'
import { backstopPages, type Checkpointer } from './db/checkpointer.js'
import { emptyTables } from './db/reset.js'
import { createUnitOfWork, type RunOptions, type UnitOfWork } from './db/unit-of-work.js'
import { migrationsDir } from './paths.js'
import { createCoverage, type Coverage } from './stores/coverage.js'
import { createFaults, type Faults } from './stores/faults.js'
import { createJournal, type Journal, type JournalBudget } from './stores/journal.js'

export { createJournalBudget } from './stores/journal.js'
// What opening a world can fail with, for the front doors that word it (the CLI).
export { DatabaseOpenError } from './db/database.js'
export { MigrationError } from './db/migrate.js'
import { createKeyMemory, type KeyMemory } from './stores/key-memory.js'
import { createKeyStore, type KeyStore } from './stores/keys.js'
import { createMemberStore, type MemberStore } from './stores/members.js'
import { createSigningKeyStore, type SigningKeyStore } from './stores/signing-keys.js'

/** What a reset goes back to: a fixture (SEED_FILE's, or one given in-process), or the demo data. */
export interface Seed {
  fixture: Fixture | undefined
  /** Where the fixture came from (a file path), for error messages. */
  source: string | undefined
  /** Without a fixture: load the demo data into an empty database, and reset to it. */
  demo: boolean
}

export interface WorldOptions {
  /** The namespace this world is (DEFAULT_NAMESPACE for the server's own). */
  name?: string
  path: string
  clock: Clock
  seed: Seed
  journalSize: number
  /** JOURNAL_BYTES; default: bounded by the count only. */
  journalBytes?: number
  /** The server's JOURNAL_TOTAL_BYTES, shared by every world's journal. */
  journalBudget?: JournalBudget
  /** FAULT_SEED: where the fault rules' generator starts, with the name. */
  faultSeed?: string
}

export interface World {
  name: string
  path: string
  /** For the stores, tests and the checkpointer; operations go through the stores and transact. */
  db: Db
  clock: Clock
  seed: Seed
  /** Migrations this opening applied. */
  migrated: number[]
  keys: KeyStore
  members: MemberStore
  memory: KeyMemory
  journal: Journal
  /** The RS256 key pair kept in this database, made on first use and stamped by the clock given. */
  signingKeys: SigningKeyStore
  /** The fault rules of this world's namespace (src/stores/faults.ts). */
  faults: Faults
  /** What requests exercised of the contract, since the world opened or its last reset (docs/coverage.md). */
  coverage: Coverage
  /** Runs work in this turn's write transaction, ordered after all work queued before (db/unit-of-work.ts). */
  transact: UnitOfWork['run']
  /** Runs work in a write transaction at once, for work outside a request (start-up, the CLI, in-process calls). */
  transactNow: <T>(work: () => T) => T
  /** Empties every table a reset empties (db/reset.ts), inside the caller's transaction. */
  emptyTables: () => string[]
  /** Throws when the database cannot be read. */
  ping: () => void
  /**
   * Checkpoints from the server's checkpoint worker from now on (db/checkpointer.ts), for a listening server; an
   * in-memory database has nothing to checkpoint. The connection's own automatic checkpoint stays as a backstop.
   */
  checkpointInBackground: (checkpointer: Checkpointer) => void
  /** Whether close() has begun: from then on the world takes no new work (NamespaceDroppedError). */
  readonly closing: boolean
  /** Takes no new work, lets the work already queued commit, stops its checkpoints and closes the database; again is nothing. */
  close: () => Promise<void>
}

export function openWorld (options: WorldOptions): World {
  const db = openDatabase(options.path)
  let migrated: number[]
  try {
    // Real time, not the clock: bookkeeping must not take a CLOCK tick, or a fresh start and a reset would differ.
    migrated = migrate(db, readMigrations(migrationsDir), Date.now())
  } catch (error) {
    db.close()
    throw error
  }
  const keys = createKeyStore(db)
  const memory = createKeyMemory(db, keys)
  // The key memory takes other connections' commits into account once per transaction, at its start.
  const unitOfWork = createUnitOfWork(db, { begin: memory.sync, end: memory.release })
  const ping = db.prepare('SELECT 1')
  let checkpointer: Checkpointer | undefined
  const name = options.name ?? DEFAULT_NAMESPACE
  const journal = createJournal({ size: options.journalSize, bytes: options.journalBytes, budget: options.journalBudget })
  let closing: Promise<void> | undefined
  const refuse = (): NamespaceDroppedError => new NamespaceDroppedError(name)
  return {
    name,
    path: options.path,
    db,
    clock: options.clock,
    seed: options.seed,
    migrated,
    keys,
    members: createMemberStore(db),
    memory,
    journal,
    signingKeys: createSigningKeyStore(db),
    faults: createFaults(options.faultSeed ?? '', name),
    coverage: createCoverage(new Date().toISOString()),
    transact: <T>(work: () => T, options?: RunOptions): Promise<T> => closing === undefined ? unitOfWork.run(work, options) : Promise.reject(refuse()),
    transactNow: <T>(work: () => T): T => {
      if (closing !== undefined) throw refuse()
      return writeTransaction(db, work)
    },
    emptyTables: (): string[] => emptyTables(db),
    ping: (): void => { ping.get() },
    checkpointInBackground (shared: Checkpointer): void {
      if (checkpointer !== undefined || options.path === ':memory:' || options.path.startsWith('file:')) return
      checkpointer = shared
      checkpointer.add(options.path)
      db.pragma(`wal_autocheckpoint = ${backstopPages(db.pragma('page_count', { simple: true }) as number)}`)
    },
    get closing (): boolean { return closing !== undefined },
    async close (): Promise<void> {
      closing ??= (async () => {
        // Queued after every piece of work already given, so settled once they have committed (or failed).
        await unitOfWork.run(() => undefined).catch(() => {})
        const stopping = checkpointer
        checkpointer = undefined
        await stopping?.remove(options.path)
        if (db.open) db.close()
        journal.release()
      })()
      await closing
    }
  }
}
