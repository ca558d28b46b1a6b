// `basic-admin-mock coverage`: reads a running server's coverage (GET /__admin/coverage), prints it in a format,
// and fails (exit 1, the reason on stderr) when --require or --min is not met. See docs/coverage.md.
import { parseArgs } from 'node:util'
import { FORMATS, formatCoverage, RequirementError, unmet, type Format } from './coverage-report.js'
import { ALL_NAMESPACES, type CoverageReport } from './operations/coverage.js'
import { namespaceNameProblem } from './domain/namespace.js'

export const COVERAGE_USAGE = `Usage: basic-admin-mock coverage --url URL [options]

Prints what the requests since the server's start or last reset exercised of the contract, and exits 1 when a
requirement is not met. The server must run with ADMIN_TOKEN; pass the same token.

Options:
  --url URL                 the server, e.g. http://127.0.0.1:3003
  --format FORMAT           text (default), markdown, json or junit
  --require CASES           comma-separated cases that must have been exercised: operation:status
                            (e.g. updateApiKey:404) or operation:status:rule (updateApiKey:401:missing-credentials)
  --min PERCENT             the least share of all cases that must have been exercised
  --namespace NAMES         the open namespace to read, or several comma-separated (their counts summed);
                            default: the default one. The flag may be repeated
  --all-namespaces          every open namespace, the default one included, summed (parallel suites)
  --admin-token TOKEN       the control plane's token; default: ADMIN_TOKEN from the environment
`

/** A failure of the coverage command: its one line, and exit 1. */
export class CoverageError extends Error {}

// Generous: a loaded CI machine may take seconds to answer.
const TIMEOUT_MS = 30_000

const OPTIONS = {
  url: { type: 'string' },
  format: { type: 'string' },
  require: { type: 'string', multiple: true },
  min: { type: 'string' },
  namespace: { type: 'string', multiple: true },
  'all-namespaces': { type: 'boolean' },
  'admin-token': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

function options (argv: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[], allowPositionals: true, options: typeof OPTIONS }>>
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS })
  } catch (error) {
    const { code } = error as { code?: string }
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const name = /'([^']+)'/.exec((error as Error).message)?.[1] ?? '?'
      throw new CoverageError(`unknown option ${name}: basic-admin-mock coverage --help lists every option`)
    }
    if (code?.startsWith('ERR_PARSE_ARGS') === true) throw new CoverageError(`${(error as Error).message.split('.')[0]!}: basic-admin-mock coverage --help lists every option`)
    throw error
  }
  const { values, positionals } = parsed
  if (positionals.length > 0) throw new CoverageError(`coverage takes no argument ${JSON.stringify(positionals[0])} (see basic-admin-mock coverage --help)`)
  return values
}

/** The message of the server's error body (the one line to show), or the start of whatever else it sent. */
function messageOf (body: string): string {
  try {
    const { message } = JSON.parse(body) as { message?: unknown }
    if (typeof message === 'string') return message
  } catch {}
  return body.slice(0, 300)
}

async function fetchReport (url: string, token: string, namespace: string | undefined): Promise<CoverageReport> {
  // ?namespace=, not X-Mock-Namespace: a request with the header opens the namespace it names, and a misspelt one
  // would be opened and read as empty; the query refuses a namespace that is not open.
  const target = `${url.replace(/\/+$/, '')}/__admin/coverage${namespace === undefined ? '' : `?namespace=${namespace}`}`
  let res: Response
  try {
    res = await fetch(target, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string, message?: string } }).cause
    throw new CoverageError(`cannot reach ${target}: ${cause?.code ?? cause?.message ?? (error as Error).message}`)
  }
  const body = await res.text()
  if (res.status === 404) throw new CoverageError(`${target} answered 404: the server has no control plane for this token (start it with ADMIN_TOKEN, and pass the same one: ADMIN_TOKEN or --admin-token)`)
  if (res.status !== 200) throw new CoverageError(`${target} answered ${res.status}: ${messageOf(body)}`)
  return JSON.parse(body) as CoverageReport
}

/** What ?namespace= gets: the names given (checked here, so a typo costs no request), * for all, or none. */
function namespacesOf (given: string[] | undefined, all: boolean): string | undefined {
  if (all && given !== undefined) throw new CoverageError('--namespace and --all-namespaces exclude each other: --all-namespaces already reads every open namespace')
  if (all) return ALL_NAMESPACES
  if (given === undefined) return undefined
  const names = given.flatMap(list => list.split(','))
  for (const name of names) {
    if (namespaceNameProblem(name) !== undefined) throw new CoverageError(`--namespace must be 1 to 64 of A-Z a-z 0-9 _ . - (got ${JSON.stringify(name)})${name === ALL_NAMESPACES ? '; --all-namespaces reads every open namespace' : ''}`)
  }
  return names.join(',')
}

/** Runs the command; output goes to `out`. Throws a CoverageError with the line to print on failure. */
export async function coverageCommand (argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<void> {
  const values = options(argv)
  if (values.help === true) return out(COVERAGE_USAGE)
  const url = values.url
  if (url === undefined || !/^https?:\/\/[^/]/.test(url)) throw new CoverageError(`--url must be the server's http(s) address, e.g. http://127.0.0.1:3003 (got ${JSON.stringify(url ?? '')})`)
  const format = (values.format ?? 'text') as Format
  if (!FORMATS.includes(format)) throw new CoverageError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(values.format)})`)
  const min = values.min === undefined ? undefined : Number(values.min)
  if (min !== undefined && (values.min!.trim() === '' || !Number.isFinite(min) || min < 0 || min > 100)) throw new CoverageError(`--min must be a percentage from 0 to 100 (got ${JSON.stringify(values.min)})`)
  const namespaces = namespacesOf(values.namespace, values['all-namespaces'] === true)
  const required = (values.require ?? []).flatMap(list => list.split(',')).map(id => id.trim()).filter(id => id !== '')
  const token = values['admin-token'] ?? env.ADMIN_TOKEN
  if (token === undefined || token === '') throw new CoverageError('coverage reads the control plane: set ADMIN_TOKEN to the server\'s token, or pass --admin-token')

  const report = await fetchReport(url, token, namespaces)
  let problems: string[]
  try {
    problems = unmet(report, required, min)
  } catch (error) {
    if (error instanceof RequirementError) throw new CoverageError(error.message)
    throw error
  }
  out(formatCoverage(report, format))
  if (problems.length > 0) throw new CoverageError(`coverage: ${problems.join('; ')}`)
}
