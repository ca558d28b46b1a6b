// The command line's words: its usage text, and the arguments read into values with one-line errors.
import { parseArgs } from 'node:util'
import { ConfigSchema, flagName, SETTINGS, shownDefault } from '../settings/config.js'
import { closestMatch } from 'leven'

const settingsHelp = SETTINGS.map(s => {
  const { description } = ConfigSchema.properties[s] as { description: string }
  return `  ${s}, --${flagName(s)} (default: ${shownDefault(s)})\n      ${description}`
}).join('\n')

export const USAGE = `Usage: basic-admin-mock [command] [options]

Commands:
  serve                                   start the server (the default)
  migrate                                 apply pending database migrations
  seed FILE                               load a fixture file (idempotent)
  reset                                   put the database back to its seed (SEED_FILE, or the demo data),
                                          as POST /__admin/reset does: everything else in it goes
  token --user ID [--expires-in 1h] [--alg HS256|RS256]
                                          print a user JWT the server accepts
  key create --project ID --label L --roles R
                                          create an API key and print its secret once
  coverage --url URL [--format F] [--require CASES] [--min PERCENT]
                                          print what a running server's requests exercised
                                          of the contract (coverage --help: every option)
  drift --target URL --project ID         compare the mock with the real service, request by request
                                          (drift --help: every option; docs/drift.md)
  proxy --target URL                      forward to the real service, checking each exchange
                                          against the contract and the mock (proxy --help; docs/drift.md)
  drift-report --url URL [--fail-on violations|disagreements]
                                          print what a running proxy found (drift-report --help)
  help, --help, -h                        print this help
  --version, -v                           print the version

Settings (an environment variable, or its flag, which wins; an empty value is unset):
${settingsHelp}
`

export class UsageError extends Error {}

type Option = { type: 'string' } | { type: 'boolean', short?: string }
const OPTIONS: Record<string, Option> = {
  ...Object.fromEntries(SETTINGS.map(s => [flagName(s), { type: 'string' as const }])),
  user: { type: 'string' },
  'expires-in': { type: 'string' },
  alg: { type: 'string' },
  project: { type: 'string' },
  label: { type: 'string' },
  roles: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' }
}

/** The closest option within two edits, for "did you mean" (the first of the closest, in OPTIONS' order). */
const closest = (name: string): string | undefined => closestMatch(name, Object.keys(OPTIONS), { maxDistance: 2 })

/**
 * node:util's parseArgs reads the arguments; its own errors quote unevenly and never say what to do, so the
 * tokens are checked here and each problem is worded as one line with its fix.
 */
export function parse (argv: string[]) {
  const { values, positionals, tokens } = parseArgs({ args: argv, allowPositionals: true, strict: false, tokens: true, options: OPTIONS })
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    const option = OPTIONS[token.name]
    if (option === undefined) {
      const guess = closest(token.name)
      throw new UsageError(`unknown option ${token.rawName}${guess === undefined ? '' : ` (did you mean --${guess}?)`}: basic-admin-mock --help lists every option`)
    }
    if (option.type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value, as in ${token.rawName} VALUE or ${token.rawName}=VALUE`)
    if (option.type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`)
  }
  return { values: values as Record<string, string | boolean | undefined>, positionals }
}

export function required (value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${flag} is required`)
  return value
}

export function text (value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined
}
