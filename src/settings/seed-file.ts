// SEED_FILE as a setting: a fixture file that cannot be read, or is not a fixture, stops start-up (and `reset`)
// with one line that names the setting and what to do.
import { FileTooLargeError, readBoundedFile, sizeText } from '../domain/bounded-file.js'
import { ConfigError } from './config.js'
import { FIXTURE_FILE_LIMIT, FixtureError, readFixtureFile, type Fixture } from '../domain/fixture.js'

/** SEED_FILE's fixture, read and checked. */
export function readSeedFile (path: string): Fixture {
  try {
    readBoundedFile(path, FIXTURE_FILE_LIMIT)
  } catch (error) {
    if (error instanceof FileTooLargeError) throw new ConfigError(`SEED_FILE ${path} is larger than ${sizeText(FIXTURE_FILE_LIMIT)} (a fixture is JSON text; a device such as /dev/zero never ends): set SEED_FILE to a fixture file, or unset it for the demo data`)
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
