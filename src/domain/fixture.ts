import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value'
import type { Clock } from '../clock.js'
import { writeTransaction, type Db } from '../db/database.js'
import { hashApiKey } from './api-key.js'
import { normaliseLabel, normaliseRoles, RuleError } from './rules.js'

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
function at<T> (where: string | undefined, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (where !== undefined && (error instanceof FixtureError || error instanceof RuleError)) throw new FixtureError(`${where}: ${error.message}`)
    throw error
  }
}

function unique (seen: Set<string>, id: string, path: string): void {
  if (seen.has(id)) throw new FixtureError(`${path}: duplicate id ${JSON.stringify(id)}`)
  seen.add(id)
}

/**
 * Adds what the fixture has and the database lacks, in one transaction; rows
 * that already exist (by id) are left as they are, so loading twice is a no-op.
 * Errors name the source (a file path) when one is given.
 */
export function loadFixture (db: Db, fixture: Fixture, clock: Clock, source?: string): { created: number } {
  return at(source === undefined ? undefined : `fixture ${source}`, () => insertFixture(db, fixture, clock))
}

function insertFixture (db: Db, fixture: Fixture, clock: Clock): { created: number } {
  const insertUser = db.prepare('INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
  const insertProject = db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
  const userExists = db.prepare<[string], 1>('SELECT 1 FROM users WHERE id = ?').pluck()
  const insertMember = db.prepare('INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
  const keyById = db.prepare<[string], string>('SELECT project_id FROM api_keys WHERE id = ?').pluck()
  const keyByHash = db.prepare<[Buffer], string>('SELECT id FROM api_keys WHERE key_hash = ?').pluck()
  const insertKey = db.prepare(`INSERT INTO api_keys (id, project_id, label, roles, key_hash, is_private, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)

  return writeTransaction(db, () => {
    const now = clock.now()
    let created = 0
    const users = new Set<string>()
    fixture.users?.forEach((user, i) => {
      unique(users, user.id, `users[${i}].id`)
      created += insertUser.run(user.id, user.email, user.name ?? '', now).changes
    })
    const projects = new Set<string>()
    const keys = new Set<string>()
    fixture.projects?.forEach((project, p) => {
      unique(projects, project.id, `projects[${p}].id`)
      created += insertProject.run(project.id, project.name, now).changes
      project.members?.forEach((member, m) => {
        if (userExists.get(member.user) === undefined) {
          throw new FixtureError(`projects[${p}].members[${m}].user: unknown user ${JSON.stringify(member.user)}`)
        }
        created += insertMember.run(project.id, member.user, member.role).changes
      })
      project.keys?.forEach((key, k) => {
        const path = `projects[${p}].keys[${k}]`
        unique(keys, key.id, `${path}.id`)
        const label = at(`${path}.label`, () => normaliseLabel(key.label))
        const roles = at(`${path}.roles`, () => normaliseRoles(key.roles))
        const owner = keyById.get(key.id)
        if (owner !== undefined && owner !== project.id) {
          throw new FixtureError(`${path}.id: key ${JSON.stringify(key.id)} already belongs to project ${JSON.stringify(owner)}`)
        }
        if (owner !== undefined) return
        const hash = hashApiKey(key.value)
        const other = keyByHash.get(hash)
        if (other !== undefined) throw new FixtureError(`${path}.value: already the secret of key ${JSON.stringify(other)}`)
        created += insertKey.run(key.id, project.id, label, roles, hash, key.is_private === false ? 0 : 1, now, now).changes
      })
    })
    return { created }
  })
}

/** True when the database holds no users, projects or keys (a fresh start). */
export function isEmpty (db: Db): boolean {
  return db.prepare('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM api_keys)').pluck().get() === 0
}

/** Reads and validates a fixture file; errors name the file and the problem. */
export function readFixtureFile (path: string): Fixture {
  return at(`fixture ${path}`, () => {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (error) {
      throw new FixtureError(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    }
    return parseFixture(text)
  })
}
