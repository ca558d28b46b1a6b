#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, required, text, USAGE, UsageError } from './cli-args.js'
import { CoverageError, coverageCommand } from './coverage-command.js'
import { ConfigError, DEVELOPMENT_SECRET_WARNING, flagName, loadConfig, usesDevelopmentSecret, type Config } from './config.js'
import { driftCommand } from './drift/command.js'
import { DriftError } from './drift/run.js'
import { systemClock } from './domain/clock.js'
import { SYSTEM } from './domain/credential.js'
import { printable } from './domain/printable.js'
import { FixtureError, readFixtureFile } from './domain/fixture.js'
import type { Refusal } from './domain/refusal.js'
import { RuleError } from './domain/rules.js'
import { SigningKeyError } from './domain/signing-key.js'
import { createKeyNow } from './operations/create-key.js'
import { loadFixture, projectIds, resetToSeedNow } from './operations/seed.js'
import { isKnownUser, mintToken, tokenService } from './operations/tokens.js'
import { packageRoot } from './paths.js'
import { readSeedFile } from './seed-file.js'
import { DatabaseOpenError, MigrationError, openWorld, type Seed, type World } from './world.js'

/** What projects the database has, for the message of an unknown one: the first five, or how to get some. */
async function projectsOf (config: Config): Promise<string> {
  const ids = await withWorld(config, world => projectIds(world, 6))
  if (ids.length === 0) return 'it has no projects yet (load a fixture with: basic-admin-mock seed FILE)'
  return `its projects are ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', ...' : ''}`
}

/** Opens (and migrates) the configured database as a world (without a seed unless given), runs fn, and closes it. */
async function withWorld<T> (config: Config, fn: (world: World) => T | Promise<T>, seed: Seed = { fixture: undefined, source: undefined, demo: false }): Promise<T> {
  const world = openWorld({ path: config.DATABASE_PATH, clock: systemClock, seed, journalSize: 0 })
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

/** Why a token for this user will meet 404s, if the database says so; undefined when it is a known user or cannot be checked. */
async function unknownUser (config: Config, user: string): Promise<string | undefined> {
  const path = config.DATABASE_PATH
  // A :memory: database lives inside its server: no other process can look.
  if (path === ':memory:' || path.startsWith('file:')) return undefined
  if (!existsSync(path)) return `warning: the database ${path} (DATABASE_PATH) does not exist, so user ${JSON.stringify(user)} could not be checked: use the DATABASE_PATH of the server this token is for`
  try {
    if (await withWorld(config, world => isKnownUser(world, user))) return undefined
  } catch {
    return undefined
  }
  return `warning: user ${JSON.stringify(user)} is not in the database ${path}, so the server answers this token with 404 {"error":"API key not found"} on every key operation`
}

let settings: Config | undefined

async function run (argv: string[]): Promise<void> {
  // A client of a running server: its own options, none of the server's settings.
  if (argv[0] === 'coverage') return await coverageCommand(argv.slice(1), process.env, text => process.stdout.write(text))
  // The validating proxy and its report's client, each loaded only for its command.
  if (argv[0] === 'proxy' || argv[0] === 'drift-report') {
    const { proxyCommand, driftReportCommand } = await import('./proxy/command.js')
    process.exitCode = await (argv[0] === 'proxy' ? proxyCommand : driftReportCommand)(argv.slice(1), process.env, text => process.stdout.write(text))
    return
  }
  if (argv[0] === 'drift') {
    process.exitCode = await driftCommand(argv.slice(1), process.env, text => process.stdout.write(text))
    return
  }
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
  // Every line says what a user typed or configured (a path, an id): escaped, it stays one line (src/domain/printable.ts).
  const out = (line: string): boolean => process.stdout.write(printable(line) + '\n')
  const note = (line: string): boolean => process.stderr.write(printable(line) + '\n')

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
    case 'reset': {
      if (config.DATABASE_PATH === ':memory:') throw new UsageError('reset needs DATABASE_PATH to be a file: a :memory: database lives inside its server (reset that one with POST /__admin/reset, or mock.reset())')
      // The seed the server has: SEED_FILE's fixture, or the demo data.
      const fixture = config.SEED_FILE === undefined ? undefined : readSeedFile(config.SEED_FILE)
      const { created } = await withWorld(config, world => resetToSeedNow(world), { fixture, source: config.SEED_FILE, demo: fixture === undefined })
      note(`reset ${config.DATABASE_PATH} to ${config.SEED_FILE === undefined ? 'the demo data' : `the fixture ${config.SEED_FILE}`}: ${created} row(s)`)
      return
    }
    case 'token': {
      const user = required(values.user, 'user')
      const settings = { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, privateKeyFile: config.JWT_PRIVATE_KEY_FILE }
      const input = { user, alg: text(values.alg), expiresIn: text(values['expires-in']) }
      // RS256 signs with the server's key pair: the configured PEM file, or the one kept in the database (opened only then).
      const minted = values.alg === 'RS256' && config.JWT_PRIVATE_KEY_FILE === undefined
        ? await withWorld(config, world => mintToken(tokenService(settings, world).jwt, input))
        : mintToken(tokenService(settings).jwt, input)
      if (!minted.ok) throw usageError(minted.refusal)
      if (minted.value.alg === 'HS256' && usesDevelopmentSecret(config)) process.stderr.write(DEVELOPMENT_SECRET_WARNING + '\n')
      const warning = await unknownUser(config, user)
      if (warning !== undefined) note(`basic-admin-mock: ${warning}`)
      out(minted.value.token)
      return
    }
    case 'key': {
      if (rest[0] !== 'create') throw new UsageError('usage: basic-admin-mock key create --project ID --label L --roles R')
      const project = required(values.project, 'project')
      const input = { projectId: project, label: required(values.label, 'label'), roles: required(values.roles, 'roles') }
      const created = await withWorld(config, world => createKeyNow(world, SYSTEM, input))
      if (!created.ok && created.refusal.kind === 'not-visible') throw new UsageError(`unknown project ${JSON.stringify(project)} in ${config.DATABASE_PATH}: ${await projectsOf(config)}`)
      if (!created.ok) throw usageError(created.refusal)
      const key = created.value
      note(`created key ${key.id} in project ${project} (label ${JSON.stringify(key.label)}, roles ${JSON.stringify(key.roles)})`)
      out(key.value)
      return
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}: basic-admin-mock --help lists the commands`)
  }
}

const EXPECTED = [UsageError, ConfigError, CoverageError, DriftError, DatabaseOpenError, FixtureError, MigrationError, RuleError, SigningKeyError]

/**
 * The one line an error is on, control characters escaped: expected failures as they are worded, a newer database
 * with its setting, anything else with its stack (whose frames name only code).
 */
function describe (error: unknown): string {
  if (error instanceof MigrationError && settings !== undefined && error.message.includes('newer than this server knows')) return printable(`DATABASE_PATH ${settings.DATABASE_PATH}: ${error.message}, or set DATABASE_PATH to another file`)
  if (EXPECTED.some(type => error instanceof type)) return printable((error as Error).message)
  const code = (error as NodeJS.ErrnoException).code
  if (code !== undefined) return printable(`${code}: ${(error as Error).message}`)
  const stack = (error as Error).stack ?? ''
  const frames = stack.indexOf('\n    at ')
  return printable(String(error)) + (frames === -1 ? '' : stack.slice(frames))
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`basic-admin-mock: ${describe(error)}\n`)
  process.exit(1)
})
