#!/usr/bin/env node
// The command line's entry: reads the arguments and hands each command to its module, loaded only when that command
// runs (src/cli/): `--help` or `coverage` start without Fastify, SQLite and the stores, and `serve` without the CLI's
// database commands. A process start is what a CLI call mostly costs, and the tests make hundreds of them.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, USAGE, UsageError } from './cli/args.js'
import type { DatabaseCommand } from './cli/database-commands.js'
import { ConfigError, loadConfig, type Config } from './settings/config.js'
import { printable } from './domain/printable.js'
import { packageRoot } from './paths.js'
import { readSeedFile } from './settings/seed-file.js'

type ErrorClass = abstract new (...args: never[]) => Error
/** The errors a client command's module words as its one line (the others print their stack). */
const expected: ErrorClass[] = []
const DATABASE_COMMANDS: readonly string[] = ['migrate', 'seed', 'reset', 'token', 'key'] satisfies DatabaseCommand[]

let settings: Config | undefined

async function run (argv: string[]): Promise<void> {
  // A client of a running server: its own options, none of the server's settings.
  if (argv[0] === 'coverage') {
    const { CoverageError, coverageCommand } = await import('./cli/coverage-command.js')
    expected.push(CoverageError)
    return await coverageCommand(argv.slice(1), process.env, text => process.stdout.write(text))
  }
  // The validating proxy and its report's client, each loaded only for its command.
  if (argv[0] === 'proxy' || argv[0] === 'drift-report') {
    const { proxyCommand, driftReportCommand } = await import('./proxy/command.js')
    process.exitCode = await (argv[0] === 'proxy' ? proxyCommand : driftReportCommand)(argv.slice(1), process.env, text => process.stdout.write(text))
    return
  }
  if (argv[0] === 'drift') {
    const [{ driftCommand }, { DriftError }] = await Promise.all([import('./drift/command.js'), import('./drift/run.js')])
    expected.push(DriftError)
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

  if (command === 'serve') {
    // npm swallows `npm start --port 1` into a bare "1": say so instead of ignoring it.
    if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (with npm start, pass flags after --: npm start -- --port 8080)`)
    // Read first, so that a bad SEED_FILE fails before Fastify and its plugins load.
    const fixture = config.SEED_FILE === undefined ? undefined : readSeedFile(config.SEED_FILE)
    await (await import('./server.js')).serve(config, fixture)
    return
  }
  if (!DATABASE_COMMANDS.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}: basic-admin-mock --help lists the commands`)
  const { databaseCommand } = await import('./cli/database-commands.js')
  await databaseCommand(command as DatabaseCommand, rest, values, config, { out, note })
}

/**
 * The one line an error is on, control characters escaped: expected failures as they are worded, a newer database
 * with its setting, anything else with its stack (whose frames name only code).
 */
async function describe (error: unknown): Promise<string> {
  if (error instanceof UsageError || error instanceof ConfigError) return printable(error.message)
  // Loaded on this path only; serve and the database commands have loaded these classes already.
  const { EXPECTED_ERRORS, MigrationError } = await import('./cli/database-commands.js')
  if (error instanceof MigrationError && settings !== undefined && error.message.includes('newer than this server knows')) return printable(`DATABASE_PATH ${settings.DATABASE_PATH}: ${error.message}, or set DATABASE_PATH to another file`)
  if ([...expected, ...EXPECTED_ERRORS].some(type => error instanceof type)) return printable((error as Error).message)
  const code = (error as NodeJS.ErrnoException).code
  if (code !== undefined) return printable(`${code}: ${(error as Error).message}`)
  const stack = (error as Error).stack ?? ''
  const frames = stack.indexOf('\n    at ')
  return printable(String(error)) + (frames === -1 ? '' : stack.slice(frames))
}

run(process.argv.slice(2)).catch(async (error: unknown) => {
  process.stderr.write(`basic-admin-mock: ${await describe(error)}\n`)
  process.exit(1)
})
