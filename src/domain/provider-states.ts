// Pact provider states (docs/pact.md): a file naming each state a consumer's pact may give, each a fixture, or a
// fixture with params whose {{name}} placeholders the verifier's params (or the file's defaults) fill in.
import { dirname, resolve } from 'node:path'
import { readBoundedFile } from './bounded-file.js'
import { checkFixture, FIXTURE_FILE_LIMIT, FixtureError, readFixtureFile, type Fixture } from './fixture.js'

export interface ProviderState { fixture: unknown, params: Record<string, unknown> }
export type ProviderStates = Map<string, ProviderState>

export class ProviderStatesError extends Error {}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g

/** Reads the states file: `{ "state name": fixture | { "fixture": fixture | "file.json", "params": { ... } } }`. */
export function readProviderStates (path: string): ProviderStates {
  let parsed: unknown
  try {
    parsed = JSON.parse(readBoundedFile(path, FIXTURE_FILE_LIMIT).toString('utf8'))
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException
    throw new ProviderStatesError(error instanceof SyntaxError ? `is not JSON (${error.message})` : `cannot be read (${code ?? (error as Error).message})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    throw new ProviderStatesError('must be a JSON object naming at least one state, e.g. {"key k1 exists": {"users": [...], "projects": [...]}}')
  }
  const states: ProviderStates = new Map()
  for (const [name, entry] of Object.entries(parsed)) {
    const withParams = typeof entry === 'object' && entry !== null && 'fixture' in entry
    const { fixture, params = {} } = (withParams ? entry : { fixture: entry }) as { fixture: unknown, params?: unknown }
    if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ProviderStatesError(`state ${JSON.stringify(name)}: params must be an object of default values`)
    let loaded: unknown
    try {
      loaded = typeof fixture === 'string' ? readFixtureFile(resolve(dirname(path), fixture)) : fixture
      // Checked now with the defaults filled in, so that a bad state fails the start, not a verification.
      checkFixture(fill(loaded, params as Record<string, unknown>, name))
    } catch (error) {
      if (error instanceof FixtureError || error instanceof ProviderStatesError) throw new ProviderStatesError(`state ${JSON.stringify(name)}: ${error.message}`)
      throw error
    }
    states.set(name, { fixture: loaded, params: params as Record<string, unknown> })
  }
  return states
}

/** The state's fixture with its placeholders filled: the verifier's params first, then the file's defaults. */
export function stateFixture (states: ProviderStates, name: string, given: Record<string, unknown> = {}): Fixture {
  const state = states.get(name)!
  return checkFixture(fill(state.fixture, { ...state.params, ...given }, name))
}

function fill (value: unknown, params: Record<string, unknown>, state: string): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (_match, param: string) => {
      if (!(param in params)) throw new ProviderStatesError(`needs the param ${JSON.stringify(param)}: give it in the pact's provider state, or a default in the state's "params"`)
      return String(params[param])
    })
  }
  if (Array.isArray(value)) return value.map(item => fill(item, params, state))
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, params, state)]))
  return value
}
