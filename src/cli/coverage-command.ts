// `basic-admin-mock coverage`: reads a running server's coverage (GET /__admin/coverage), prints it in a format,
// and fails (exit 1, the reason on stderr) when --require or --min is not met. See docs/coverage.md.
import { parseArgs } from 'node:util'
import { Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { FORMATS, formatCoverage, RequirementError, unmet, type Format } from './coverage-report.js'
import { ALL_NAMESPACES, type CoverageReport } from '../operations/coverage.js'
import { namespaceNameProblem } from '../domain/namespace.js'
import { printable } from '../domain/printable.js'

export const COVERAGE_USAGE = `Usage: basic-admin-mock coverage --url URL [options]

Prints what the requests since the server's start or last reset exercised of the contract, and exits 1 when a
requirement is not met. The server must run with ADMIN_TOKEN; give the same token in the environment, as
BASIC_ADMIN_TOKEN (or ADMIN_TOKEN).

Options:
  --url URL                 the server, e.g. http://127.0.0.1:3003
  --format FORMAT           text (default), markdown, json or junit
  --require CASES           comma-separated cases that must have been exercised: operation:status
                            (e.g. updateApiKey:404) or operation:status:rule (updateApiKey:401:missing-credentials)
  --min PERCENT             the least share of all cases that must have been exercised
  --namespace NAMES         the open namespace to read, or several comma-separated (their counts summed);
                            default: the default one. The flag may be repeated
  --all-namespaces          every open namespace, the default one included, summed (parallel suites)
  --admin-token TOKEN       the control plane's token, when it is not in the environment (a flag shows it to every
                            user of the machine in the process list: prefer BASIC_ADMIN_TOKEN)
`

/** A failure of the coverage command: its one line, and exit 1. */
export class CoverageError extends Error {}

// Generous: a loaded CI machine may take seconds to answer.
const TIMEOUT_MS = 30_000
// A report is a few KiB: anything far bigger is not one, and reading on would only grow memory.
const MAX_BODY_BYTES = 4 * 1024 * 1024

// What the formats and the checks read of a report; anything else (a server answering {}) is not one.
const Count = Type.Object({ rule: Type.String(), count: Type.Number() })
const ReportShape = Type.Object({
  total: Type.Number(),
  covered: Type.Number(),
  percent: Type.Number(),
  operations: Type.Array(Type.Object({
    operation: Type.String(),
    method: Type.String(),
    path: Type.String(),
    statuses: Type.Array(Type.Object({ status: Type.Number(), count: Type.Number(), rules: Type.Array(Count) }))
  })),
  missing: Type.Array(Type.String()),
  other: Type.Array(Type.Object({ operation: Type.String(), status: Type.Number(), rule: Type.Union([Type.String(), Type.Null()]), count: Type.Number() }))
})

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
    if (typeof message === 'string') return message.slice(0, 300)
  } catch {}
  return body.slice(0, 300)
}

/** The body as text, read up to MAX_BODY_BYTES: an endless answer ends the command, not the machine's memory. */
async function boundedText (res: Response, target: string): Promise<string> {
  if (res.body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > MAX_BODY_BYTES) {
      await res.body.cancel().catch(() => {})
      throw new CoverageError(`${target} answered more than ${MAX_BODY_BYTES / 1024 / 1024} MiB: no coverage report is that big (is --url a basic-admin-mock server?)`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function fetchReport (url: string, token: string, namespace: string | undefined): Promise<CoverageReport> {
  // ?namespace=, not X-Mock-Namespace: a request with the header opens the namespace it names, and a misspelt one
  // would be opened and read as empty; the query refuses a namespace that is not open.
  const target = `${url.replace(/\/+$/, '')}/__admin/coverage${namespace === undefined ? '' : `?namespace=${namespace}`}`
  let res: Response
  let body: string
  try {
    res = await fetch(target, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
    body = await boundedText(res, target)
  } catch (error) {
    if (error instanceof CoverageError) throw error
    const cause = (error as { cause?: { code?: string, message?: string } }).cause
    throw new CoverageError(`cannot reach ${target}: ${cause?.code ?? cause?.message ?? (error as Error).message}`)
  }
  if (res.status === 404) throw new CoverageError(`${target} answered 404: the server has no control plane for this token (start it with ADMIN_TOKEN, and give the same one as BASIC_ADMIN_TOKEN or ADMIN_TOKEN)`)
  // The server's words, escaped where the CLI prints them (src/cli.ts): they are not this program's.
  if (res.status !== 200) throw new CoverageError(`${target} answered ${res.status}: ${messageOf(body)}`)
  let report: unknown
  try {
    report = JSON.parse(body)
  } catch {
    throw new CoverageError(`${target} answered 200 with no JSON (${JSON.stringify(body.slice(0, 80))}): is --url a basic-admin-mock server?`)
  }
  if (!Value.Check(ReportShape, report)) throw new CoverageError(`${target} answered 200 with ${JSON.stringify(body.slice(0, 80))}, not a coverage report: is --url a basic-admin-mock server?`)
  return report as CoverageReport
}

/** Every string of a value with its control characters escaped: the server's words, before they are formatted. */
function escaped<T> (value: T): T {
  if (typeof value === 'string') return printable(value) as T
  if (Array.isArray(value)) return value.map(escaped) as T
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [printable(key), escaped(item)])) as T
  return value
}

/** The report as printed: JSON as the server sent it, with JSON's own escapes for what a terminal acts on; the others from escaped words. */
function shown (report: CoverageReport, format: Format): string {
  if (format === 'json') return formatCoverage(report, format).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return formatCoverage(escaped(report), format)
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
  // Credentials in the URL would be printed in every line that names it: the server needs none but the admin token.
  if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) throw new CoverageError(`--url must not hold credentials (user:password@): the control plane reads only BASIC_ADMIN_TOKEN (got ${JSON.stringify(url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1[hidden]@'))})`)
  if (url === undefined || !/^https?:\/\/[^/]/.test(url)) throw new CoverageError(`--url must be the server's http(s) address, e.g. http://127.0.0.1:3003 (got ${JSON.stringify(url ?? '')})`)
  const format = (values.format ?? 'text') as Format
  if (!FORMATS.includes(format)) throw new CoverageError(`--format must be one of ${FORMATS.join(', ')} (got ${JSON.stringify(values.format)})`)
  const min = values.min === undefined ? undefined : Number(values.min)
  if (min !== undefined && (values.min!.trim() === '' || !Number.isFinite(min) || min < 0 || min > 100)) throw new CoverageError(`--min must be a percentage from 0 to 100 (got ${JSON.stringify(values.min)})`)
  const namespaces = namespacesOf(values.namespace, values['all-namespaces'] === true)
  const required = (values.require ?? []).flatMap(list => list.split(',')).map(id => id.trim()).filter(id => id !== '')
  // The environment first in the docs: a flag is in /proc/<pid>/cmdline for every user of the machine.
  const token = [values['admin-token'], env.BASIC_ADMIN_TOKEN, env.ADMIN_TOKEN].find(value => value !== undefined && value !== '')
  if (token === undefined) throw new CoverageError('coverage reads the control plane: set BASIC_ADMIN_TOKEN (or ADMIN_TOKEN) in the environment to the server\'s token')

  const report = await fetchReport(url, token, namespaces)
  let problems: string[]
  try {
    problems = unmet(report, required, min)
  } catch (error) {
    if (error instanceof RequirementError) throw new CoverageError(error.message)
    throw error
  }
  out(shown(report, format))
  if (problems.length > 0) throw new CoverageError(`coverage: ${problems.join('; ')}`)
}
