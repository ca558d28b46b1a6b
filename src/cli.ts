#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { CoverageError, coverageCommand } from './coverage-command.js'
import { ConfigError, DEVELOPMENT_SECRET_WARNING, flagName, loadConfig, SETTINGS, usesDevelopmentSecret, type Config } from './config.js'
import { systemClock } from './domain/clock.js'
import { SYSTEM } from './domain/credential.js'
import { FixtureError, readFixtureFile } from './domain/fixture.js'
import type { Refusal } from './domain/refusal.js'
import { RuleError } from './domain/rules.js'
import { SigningKeyError } from './domain/signing-key.js'
import { MigrationError } from './db/migrate.js'
import { createKeyNow } from './operations/create-key.js'
import { loadFixture } from './operations/seed.js'
import { mintToken, tokenService } from './operations/tokens.js'
import { openWorld, type World } from './world.js'

const USAGE = `Usage: basic-admin-mock [command] [options]

Commands:
  serve                                   start the server (the default)
  migrate                                 apply pending database migrations
  seed FILE                               load a fixture file (idempotent)
  token --user ID [--expires-in 1h] [--alg HS256|RS256]
                                          print a user JWT the server accepts
  key create --project ID --label L --roles R
                                          create an API key and print its secret once
  coverage --url URL [--format F] [--require CASES] [--min PERCENT]
                                          print what a running server's requests exercised
                                          of the contract (coverage --help: every option)

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

/** Opens (and migrates) the configured database as a world without a seed, runs fn, and closes it. */
async function withWorld<T> (config: Config, fn: (world: World) => T | Promise<T>): Promise<T> {
  const world = openWorld({ path: config.DATABASE_PATH, clock: systemClock, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 })
  try {
    return await fn(world)
  } finally {
    await world.close()
  }
}

/** A refusal as this CLI's one-line error, naming the flag as the user typed it. */
function usageError (refusal: Refusal): UsageError {
  if (refusal.kind !== 'bad-input') return new UsageError(refusal.kind)
  return new UsageError(refusal.field === undefined ? refusal.message : `--${flagName(refusal.field.replace(/[A-Z]/g, c => `_${c}`))} ${refusal.message}`)
}

async function run (argv: string[]): Promise<void> {
  // A client of a running server: its own options, none of the server's settings.
  if (argv[0] === 'coverage') return await coverageCommand(argv.slice(1), process.env, text => process.stdout.write(text))
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
      await withWorld(config, world => note(world.migrated.length === 0 ? 'database is up to date' : `applied migrations ${world.migrated.join(', ')}`))
      return
    case 'seed': {
      const file = rest[0]
      if (file === undefined) throw new UsageError('seed needs a fixture file: basic-admin-mock seed FILE')
      const fixture = readFixtureFile(file)
      const { created } = await withWorld(config, async world => await loadFixture(world, fixture, file))
      note(`loaded ${file}: ${created} new row(s)`)
      return
    }
    case 'token': {
      const user = required(values.user, 'user')
      const settings = { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, privateKeyFile: config.JWT_PRIVATE_KEY_FILE }
      const input = { user, alg: values.alg, expiresIn: values['expires-in'] }
      // RS256 signs with the server's key pair: the configured PEM file, or the one kept in the database (opened only then).
      const minted = values.alg === 'RS256' && config.JWT_PRIVATE_KEY_FILE === undefined
        ? await withWorld(config, world => mintToken(tokenService(settings, world).jwt, input))
        : mintToken(tokenService(settings).jwt, input)
      if (!minted.ok) throw usageError(minted.refusal)
      if (minted.value.alg === 'HS256' && usesDevelopmentSecret(config)) note(DEVELOPMENT_SECRET_WARNING)
      out(minted.value.token)
      return
    }
    case 'key': {
      if (rest[0] !== 'create') throw new UsageError('usage: basic-admin-mock key create --project ID --label L --roles R')
      const project = required(values.project, 'project')
      const input = { projectId: project, label: required(values.label, 'label'), roles: required(values.roles, 'roles') }
      const created = await withWorld(config, world => createKeyNow(world, SYSTEM, input))
      if (!created.ok) throw created.refusal.kind === 'not-visible' ? new UsageError(`unknown project ${JSON.stringify(project)}`) : usageError(created.refusal)
      const key = created.value
      note(`created key ${key.id} in project ${project} (label ${JSON.stringify(key.label)}, roles ${JSON.stringify(key.roles)})`)
      out(key.value)
      return
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)} (try --help)`)
  }
}

const EXPECTED = [UsageError, ConfigError, CoverageError, FixtureError, MigrationError, RuleError, SigningKeyError]

run(process.argv.slice(2)).catch((error: unknown) => {
  const known = EXPECTED.some(type => error instanceof type) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true
  const code = (error as NodeJS.ErrnoException).code
  // Expected failures are one line; listen errors (EADDRINUSE...) too, with their code.
  process.stderr.write(`basic-admin-mock: ${known ? (error as Error).message : code !== undefined ? `${code}: ${(error as Error).message}` : (error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
