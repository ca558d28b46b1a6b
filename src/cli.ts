#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { systemClock } from './clock.js'
import { parse, required, text, USAGE, UsageError } from './cli-args.js'
import { ConfigError, DEVELOPMENT_SECRET_WARNING, loadConfig, usesDevelopmentSecret, type Config } from './config.js'
import { DatabaseOpenError, openDatabase, type Db } from './db/database.js'
import { migrate, MigrationError, readMigrations } from './db/migrate.js'
import { migrationsDir, packageRoot } from './paths.js'
import { DEMO_FIXTURE } from './services/demo.js'
import { DURATION_HINT, parseDuration } from './services/duration.js'
import { createJwtService } from './services/jwt.js'
import { fixedSigningKey, readSigningKeyFile, signingKeySource, SigningKeyError } from './services/signing-key.js'
import { FixtureError, loadFixture, readFixtureFile } from './services/fixtures.js'
import { createReset, readSeedFile } from './services/seed.js'
import { normaliseLabel, normaliseRoles, RuleError } from './services/rules.js'
import { createAccessStore } from './stores/access.js'
import { createKeyStore } from './stores/keys.js'

/** Opens and migrates the database, runs fn, and closes it. */
function withDatabase<T> (config: Config, fn: (db: Db, applied: number[]) => T): T {
  const db = openDatabase(config.DATABASE_PATH)
  try {
    return fn(db, migrate(db, readMigrations(migrationsDir)))
  } finally {
    db.close()
  }
}

/** Why a token for this user will meet 404s, if the database says so; undefined when it is a known user or cannot be checked. */
function unknownUser (config: Config, user: string): string | undefined {
  const path = config.DATABASE_PATH
  // A :memory: database lives inside its server: no other process can look.
  if (path === ':memory:' || path.startsWith('file:')) return undefined
  if (!existsSync(path)) return `warning: the database ${path} (DATABASE_PATH) does not exist, so user ${JSON.stringify(user)} could not be checked: use the DATABASE_PATH of the server this token is for`
  let db: Database.Database | undefined
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    if (db.prepare('SELECT 1 FROM users WHERE id = ?').get(user) !== undefined) return undefined
    const known = db.prepare<[], string>('SELECT id FROM users ORDER BY id LIMIT 5').pluck().all()
    return `warning: user ${JSON.stringify(user)} is not in the database ${path}, so the server answers this token with 404 {"error":"API key not found"}` +
      ` on every key operation; its users: ${known.length === 0 ? 'none' : known.join(', ')}`
  } catch {
    return undefined
  } finally {
    db?.close()
  }
}

let settings: Config | undefined

async function run (argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv)
  if (values.help === true || positionals[0] === 'help') {
    process.stdout.write(USAGE)
    return
  }
  if (values.version === true) {
    process.stdout.write(`${(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`)
    return
  }
  const config = loadConfig(process.env, values)
  settings = config
  const [command = 'serve', ...rest] = positionals
  const out = (line: string): boolean => process.stdout.write(line + '\n')
  const note = (line: string): boolean => process.stderr.write(line + '\n')

  switch (command) {
    case 'serve':
      // npm swallows `npm start --port 1` into a bare "1": say so instead of ignoring it.
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (with npm start, pass flags after --: npm start -- --port 8080)`)
      {
        // Read first, so that a bad SEED_FILE fails before Fastify and its plugins load.
        const fixture = config.SEED_FILE === undefined ? undefined : readSeedFile(config.SEED_FILE)
        // Loaded only here: the other commands start without Fastify and its plugins.
        await (await import('./server.js')).serve(config, fixture)
      }
      return
    case 'migrate':
      withDatabase(config, (_db, applied) => note(applied.length === 0 ? 'database is up to date' : `applied migrations ${applied.join(', ')}`))
      return
    case 'seed': {
      const file = rest[0]
      if (file === undefined) throw new UsageError('seed needs a fixture file: basic-admin-mock seed FILE')
      const fixture = readFixtureFile(file)
      const { created } = withDatabase(config, db => loadFixture(db, fixture, systemClock, file))
      note(`loaded ${file}: ${created} new row(s)`)
      return
    }
    case 'reset': {
      if (config.DATABASE_PATH === ':memory:') throw new UsageError('reset needs DATABASE_PATH to be a file: a :memory: database lives inside its server (reset that one with POST /__admin/reset, or mock.reset())')
      const seed = config.SEED_FILE === undefined ? DEMO_FIXTURE : readSeedFile(config.SEED_FILE)
      const { created } = withDatabase(config, db => createReset(db, { seed, clock: systemClock, source: config.SEED_FILE })())
      note(`reset ${config.DATABASE_PATH} to ${config.SEED_FILE === undefined ? 'the demo data' : `the fixture ${config.SEED_FILE}`}: ${created} row(s)`)
      return
    }
    case 'token': {
      const alg = text(values.alg) ?? 'HS256'
      if (alg !== 'HS256' && alg !== 'RS256') throw new UsageError(`--alg must be HS256 or RS256 (got ${JSON.stringify(alg)})`)
      const user = required(values.user, 'user')
      const expiresText = text(values['expires-in']) ?? '1h'
      const expiresIn = parseDuration(expiresText)
      if (expiresIn === undefined) throw new UsageError(`--expires-in must ${DURATION_HINT} (got ${JSON.stringify(expiresText)})`)
      // RS256 signs with the server's key pair: the configured PEM file, or the one kept in the database.
      const signingKey = alg === 'HS256'
        ? undefined
        : fixedSigningKey(config.JWT_PRIVATE_KEY_FILE !== undefined
          ? readSigningKeyFile(config.JWT_PRIVATE_KEY_FILE)
          : withDatabase(config, db => signingKeySource(db, systemClock).current()))
      const jwt = createJwtService({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, signingKey })
      const token = jwt.sign(user, { expiresIn, alg })
      if (alg === 'HS256' && usesDevelopmentSecret(config)) note(DEVELOPMENT_SECRET_WARNING)
      const warning = unknownUser(config, user)
      if (warning !== undefined) note(`basic-admin-mock: ${warning}`)
      out(token)
      return
    }
    case 'key': {
      if (rest[0] !== 'create') throw new UsageError('usage: basic-admin-mock key create --project ID --label L --roles R')
      const project = required(values.project, 'project')
      const label = normaliseLabel(required(values.label, 'label'))
      const roles = normaliseRoles(required(values.roles, 'roles'))
      const key = withDatabase(config, db => {
        if (!createAccessStore(db).projectExists(project)) throw new UsageError(`unknown project ${JSON.stringify(project)}`)
        return createKeyStore(db, systemClock).create(project, { label, roles })
      })
      note(`created key ${key.id} in project ${project} (label ${JSON.stringify(label)}, roles ${JSON.stringify(roles)})`)
      out(key.secret)
      return
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}: basic-admin-mock --help lists the commands`)
  }
}

const EXPECTED = [UsageError, ConfigError, DatabaseOpenError, FixtureError, MigrationError, RuleError, SigningKeyError]

/** The one line an error is on: expected failures as they are worded, a newer database with its setting, anything else with its stack. */
function describe (error: unknown): string {
  if (error instanceof MigrationError && settings !== undefined && error.message.includes('newer than this server knows')) return `DATABASE_PATH ${settings.DATABASE_PATH}: ${error.message}, or set DATABASE_PATH to another file`
  if (EXPECTED.some(type => error instanceof type)) return (error as Error).message
  const code = (error as NodeJS.ErrnoException).code
  return code !== undefined ? `${code}: ${(error as Error).message}` : (error as Error).stack ?? String(error)
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`basic-admin-mock: ${describe(error)}\n`)
  process.exit(1)
})
