// `basic-admin-mock drift`: the CLI of src/drift/run.ts. Prints the report, writes the files asked for, and exits 1
// on any difference not in the --accept file (docs/drift.md).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { drift, DriftError } from './run.js'
import { driftJson, driftMarkdown } from './report.js'

export const DRIFT_USAGE = `Usage: basic-admin-mock drift --target URL --project ID [options]

Runs the same requests against the target and a fresh mock seeded with the same project and admin key, compares
every answer, deletes every key it created on the target (also when interrupted), prints the report and exits 1 on
any difference not accepted.

Options:
  --target URL        the real service, e.g. https://api.basic.tech (nothing is sent anywhere else)
  --project ID        a project of the target that the token administers
  --token KEY         an API key of that project with the role admin; prefer DRIFT_TOKEN in the environment
                      (a flag shows it to every user of the machine in the process list)
  --timeout MS        bound of each request (default 10000)
  --ca FILE           a PEM CA certificate to trust for an https target (NODE_EXTRA_CA_CERTS works too)
  --accept FILE       finding ids that are known and accepted, one a line (# comments)
  --format FORMAT     what stdout gets: markdown (default) or json
  --markdown FILE     also append the markdown report to FILE (e.g. "$GITHUB_STEP_SUMMARY")
  --json FILE         also write the JSON report to FILE
`

const OPTIONS = {
  target: { type: 'string' },
  project: { type: 'string' },
  token: { type: 'string' },
  timeout: { type: 'string' },
  ca: { type: 'string' },
  accept: { type: 'string' },
  format: { type: 'string' },
  markdown: { type: 'string' },
  json: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

function read (file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new DriftError(`${flag} ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

/** The ids of an --accept file: one a line, blank lines and # comments skipped. */
export function acceptList (text: string): string[] {
  return text.split(/\r?\n/).map(line => line.replace(/#.*/, '').trim()).filter(line => line !== '')
}

/** Runs the command; returns the exit code (0 no drift, 1 drift, 130 interrupted). Throws a DriftError for bad use. */
export async function driftCommand (argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  let values
  try {
    values = parseArgs({ args: argv, options: OPTIONS }).values
  } catch (error) {
    throw new DriftError(`${(error as Error).message.split('. ')[0]!}: basic-admin-mock drift --help lists every option`)
  }
  if (values.help === true) {
    out(DRIFT_USAGE)
    return 0
  }
  if (values.target === undefined) throw new DriftError('--target is required: the real service, e.g. --target https://api.basic.tech')
  if (values.project === undefined) throw new DriftError('--project is required: a project of the target the token administers')
  const token = [values.token, env.DRIFT_TOKEN].find(value => value !== undefined && value !== '')
  if (token === undefined) throw new DriftError('drift needs an admin API key of the project: set DRIFT_TOKEN in the environment (or --token)')
  const format = values.format ?? 'markdown'
  if (format !== 'markdown' && format !== 'json') throw new DriftError(`--format must be markdown or json (got ${JSON.stringify(format)})`)
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout)
  if (timeout !== undefined && (values.timeout!.trim() === '' || !Number.isInteger(timeout))) throw new DriftError(`--timeout must be a whole number of ms (got ${JSON.stringify(values.timeout)})`)
  const accept = values.accept === undefined ? [] : acceptList(read(values.accept, '--accept'))
  const ca = values.ca === undefined ? undefined : read(values.ca, '--ca')

  // Ctrl-C or a CI cancel ends the run after the step in flight; the keys it created are deleted before the exit.
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  let report
  try {
    report = await drift({ target: values.target, project: values.project, token, timeout, ca, accept, signal: controller.signal })
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
  const markdown = driftMarkdown(report)
  if (values.markdown !== undefined) appendFileSync(values.markdown, markdown + '\n')
  if (values.json !== undefined) writeFileSync(values.json, driftJson(report))
  out(format === 'json' ? driftJson(report) : markdown + '\n')
  return report.interrupted ? 130 : report.ok ? 0 : 1
}
