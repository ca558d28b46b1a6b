// PROVIDER_STATES as a setting: a states file that cannot be read, or names a state that is not a fixture, stops the
// start with one line naming the setting (docs/pact.md).
import { ConfigError } from './config.js'
import { ProviderStatesError, readProviderStates, type ProviderStates } from '../domain/provider-states.js'

export function readProviderStatesFile (path: string): ProviderStates {
  try {
    return readProviderStates(path)
  } catch (error) {
    if (error instanceof ProviderStatesError) throw new ConfigError(`PROVIDER_STATES ${path} ${error.message}: fix the file (docs/pact.md shows one)`)
    throw error
  }
}
