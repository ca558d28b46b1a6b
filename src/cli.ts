#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { systemClock } from './clock.js'
import { ConfigError, DEVELOPMENT_SECRET_WARNING, flagName, loadConfig, SETTINGS, usesDevelopmentSecret, type Config } from './config.js'
import { openDatabase, type Db } from './db/database.js'
import { migrate, MigrationError, readMigrations } from './db/migrate.js'
import { migrationsDir } from './paths.js'
import { DURATION_HINT, parseDuration } from './services/duration.js'
import { createJwtService } from './services/jwt.js'
import { fixedSigningKey, readSigningKeyFile, signingKeySource, SigningKeyError } from './services/signing-key.js'
import { FixtureError, loadFixture, readFixtureFile } from './services/fixtures.js'
import { normaliseLabel, normaliseRoles, RuleError } from './services/rules.js'
import { createAccessStore } from './stores/access.js'
import { createKeyStore } from './stores/keys.js'

const USAGE = `Usage: basic-admin-mock [command] [options]

Commands:
  serve                                   start the server (the default)
  migrate                                 apply pending database migrations
  seed FILE                               load a fixture file (idempotent)
  token --user ID [--expires-in 1h] [--alg HS256|RS256]
                                          print a user JWT the server accepts
  key create --project ID --label L --roles R
                                          create an API key and print its secret once

Settings (environment variable or flag):
${SETTINGS.map(s => `  ${s.padEnd(21)} --${flagName(s)}`).join('\n')}
`

class UsageError extends Error {}

const settingFlags = Object.fromEntries(SETTINGS.map(s => [flagName(s), { type: 'string' as const }]))

function parse (argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...settingFlags,
      user: { type: 'string' },
      'expires-in': { type: 'string' },
      alg: { type: 'string' },
      project: { type: 'string' },
      label: { type: 'string' },
      roles: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
}

function required (value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`)
  return value
}

/** Opens and migrates the database, runs fn, and closes it. */
function withDatabase<T> (config: Config, fn: (db: Db, applied: number[]) => T): T {
  const db = openDatabase(config.DATABASE_PATH)
  try {
    return fn(db, migrate(db, readMigrations(migrationsDir)))
  } finally {
    db.close()
  }
}

async function run (argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv)
  if (values.help === true || positionals[0] === 'help') {
    process.stdout.write(USAGE)
    return
  }
  const config = loadConfig(process.env, values)
  const [command = 'serve', ...rest] = positionals
  const out = (line: string): boolean => process.stdout.write(line + '\n')
  const note = (line: string): boolean => process.stderr.write(line + '\n')

  switch (command) {
    case 'serve':
      // npm swallows `npm start --port 1` into a bare "1": say so instead of ignoring it.
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (with npm start, pass flags after --: npm start -- --port 8080)`)
      // Loaded only here: the other commands start without Fastify and its plugins.
      await (await import('./server.js')).serve(config)
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
    case 'token': {
      const alg = values.alg ?? 'HS256'
      if (alg !== 'HS256' && alg !== 'RS256') throw new UsageError(`--alg must be HS256 or RS256 (got ${JSON.stringify(alg)})`)
      const user = required(values.user, 'user')
      const expiresText = values['expires-in'] ?? '1h'
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
      throw new UsageError(`unknown command ${JSON.stringify(command)} (try --help)`)
  }
}

const EXPECTED = [UsageError, ConfigError, FixtureError, MigrationError, RuleError, SigningKeyError]

run(process.argv.slice(2)).catch((error: unknown) => {
  const known = EXPECTED.some(type => error instanceof type) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
  const code = (error as NodeJS.ErrnoException).code
  // Expected failures are one line; listen errors (EADDRINUSE...) too, with their code.
  process.stderr.write(`basic-admin-mock: ${known ? (error as Error).message : code !== undefined ? `${code}: ${(error as Error).message}` : (error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
