// The fixture format (README "Fixtures"): users, projects with members and keys; parsed and checked before any row is written.
import { FileTooLargeError, readBoundedFile, sizeText } from './bounded-file.js'
import { Type, type Static } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import { RuleError } from './rules.js'

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' })
const Closed = { additionalProperties: false }

export const FixtureSchema = Type.Object({
  users: Type.Optional(Type.Array(Type.Object({
    id: Id, email: Type.String({ minLength: 1 }), name: Type.Optional(Type.String())
  }, Closed))),
  projects: Type.Optional(Type.Array(Type.Object({
    id: Id,
    name: Type.String({ minLength: 1 }),
    members: Type.Optional(Type.Array(Type.Object({
      user: Id, role: Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')])
    }, Closed))),
    keys: Type.Optional(Type.Array(Type.Object({
      id: Id,
      label: Type.String(),
      roles: Type.String(),
      value: Type.String({ pattern: '^basic_key_[A-Za-z0-9._~+/-]{20,}$' }),
      is_private: Type.Optional(Type.Boolean())
    }, Closed)))
  }, Closed)))
}, Closed)

export type Fixture = Static<typeof FixtureSchema>

export class FixtureError extends Error {}

// "/projects/0/keys/1/value" -> "projects[0].keys[1].value"
function where (pointer: string): string {
  return pointer.slice(1).split('/').map((part, i) => /^\d+$/.test(part) ? `[${part}]` : (i === 0 ? part : `.${part}`)).join('') || 'fixture'
}

function explain (path: string, error: ValueError): string {
  if (path.endsWith('.value') && error.type === ValueErrorType.StringPattern) return 'must start with basic_key_ and have at least 20 characters after it, each of A-Z a-z 0-9 - . _ ~ + / (a bearer token)'
  if (error.type === ValueErrorType.StringPattern) return 'must be 1 to 128 characters of A-Z a-z 0-9 _ -'
  if (path.endsWith('.role')) return 'must be one of owner, admin, member'
  return error.message.charAt(0).toLowerCase() + error.message.slice(1)
}

/** Parses and validates a fixture; the error message names the first problem and where it is. */
export function parseFixture (text: string): Fixture {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new FixtureError(`not valid JSON: ${(error as Error).message}`)
  }
  return checkFixture(value)
}

/** Validates a parsed fixture (a file's or a request body's) against the fixture format. */
export function checkFixture (value: unknown): Fixture {
  const error = Value.Errors(FixtureSchema, value).First()
  if (error !== undefined) {
    const path = where(error.path)
    throw new FixtureError(`${path}: ${explain(path, error)}`)
  }
  return value as Fixture
}

/** Runs fn; a RuleError or FixtureError it throws comes out as a FixtureError that starts with "where: ". */
export function at<T> (where: string | undefined, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (where !== undefined && (error instanceof FixtureError || error instanceof RuleError)) throw new FixtureError(`${where}: ${error.message}`)
    throw error
  }
}

export function unique (seen: Set<string>, id: string, path: string): void {
  if (seen.has(id)) throw new FixtureError(`${path}: duplicate id ${JSON.stringify(id)}`)
  seen.add(id)
}

/** The most a fixture file may hold: thousands of keys fit; /dev/zero does not. */
export const FIXTURE_FILE_LIMIT = 16 * 1024 * 1024

/** Reads and validates a fixture file; errors name the file and the problem. */
export function readFixtureFile (path: string): Fixture {
  return at(`fixture ${path}`, () => {
    let text: string
    try {
      text = readBoundedFile(path, FIXTURE_FILE_LIMIT).toString('utf8')
    } catch (error) {
      if (error instanceof FileTooLargeError) throw new FixtureError(`is larger than ${sizeText(FIXTURE_FILE_LIMIT)} (a fixture is JSON text; a device such as /dev/zero never ends)`)
      throw new FixtureError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    }
    return parseFixture(text)
  })
}
