import { readFileSync } from 'node:fs'
import type { Clock } from '../clock.js'
import { ConfigError } from '../config.js'
import { writeTransaction, type Db } from '../db/database.js'
import { FixtureError, loadFixture, readFixtureFile, type Fixture } from './fixtures.js'

/** SEED_FILE's fixture; a file that cannot be read, or is not a fixture, is a one-line setting error saying what to do. */
export function readSeedFile (path: string): Fixture {
  try {
    readFileSync(path)
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    throw new ConfigError(`SEED_FILE ${path} cannot be read (${code ?? message}): set SEED_FILE to a fixture file this user can read, or unset it for the demo data`)
  }
  try {
    return readFixtureFile(path)
  } catch (error) {
    throw error instanceof FixtureError ? seedFileError(path, error) : error
  }
}

/** A bad SEED_FILE fixture (its shape, or a load that fails half-way), named by its setting. */
export function seedFileError (path: string, error: FixtureError): ConfigError {
  const prefix = `fixture ${path}: `
  const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
  return new ConfigError(`SEED_FILE ${path}: ${problem} (fix the file, or unset SEED_FILE for the demo data)`)
}

export interface ResetOptions {
  /** What comes back: SEED_FILE's fixture or the demo data; nothing when undefined. */
  seed: Fixture | undefined
  clock: Clock
  /** Where the seed came from (a file path), for error messages. */
  source?: string | undefined
  /** Runs inside the transaction, first: what a process remembers about the rows must go with them. */
  onWipe?: () => void
}

/**
 * Back to the seed in one transaction, the same for `POST /__admin/reset` and `basic-admin-mock reset`: every user,
 * project, membership and key goes, the seed comes back, and a CLOCK starts over. Signing keys stay.
 */
export function createReset (db: Db, options: ResetOptions): () => { created: number } {
  // Children first: foreign keys are on.
  const wipe = ['api_keys', 'project_members', 'projects', 'users'].map(table => db.prepare(`DELETE FROM ${table}`))
  return () => writeTransaction(db, () => {
    options.onWipe?.()
    for (const statement of wipe) statement.run()
    options.clock.reset?.()
    return options.seed === undefined ? { created: 0 } : loadFixture(db, options.seed, options.clock, options.source)
  })
}
