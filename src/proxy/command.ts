// `basic-admin-mock proxy` and `basic-admin-mock drift-report` (docs/drift.md): the validating proxy as a process, and
// the CI client of its report. Each returns its exit code and writes its own one-line errors, so the CLI loads this
// module only for these commands.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { send } from '../drift/http.js'
import type { ProxyDriftReport } from '../operations/proxy-findings.js'
import { proxyMarkdown } from './report.js'

export const PROXY_USAGE = `Usage: basic-admin-mock proxy --target URL [options]

Listens like serve and forwards every request (but /__admin) to the target, its answer back unchanged. Each exchange
is checked against the served contract and against what the mock would have answered; GET /__admin/drift (or
basic-admin-mock drift-report) gives the findings, /__admin/requests?namespace=proxy the journal. The control
plane needs ADMIN_TOKEN in the environment, as for serve.

Options:
  --target URL        the real service, e.g. https://api.basic.tech (nothing is sent anywhere else)
  --port N            where to listen (default PORT, or 3003)
  --host ADDRESS      the address to listen on (default HOST, or 127.0.0.1)
  --ca FILE           a PEM CA certificate to trust for an https target (NODE_EXTRA_CA_CERTS works too)
  --timeout MS        bound of connecting, the answer's head and each pause in its body (default 10000)
`

export const DRIFT_REPORT_USAGE = `Usage: basic-admin-mock drift-report --url URL [options]

Prints what a running basic-admin-mock proxy found (GET /__admin/drift), grouped by operation and kind. Give the
proxy's ADMIN_TOKEN in the environment as BASIC_ADMIN_TOKEN (or ADMIN_TOKEN).

Options:
  --url URL                           the proxy, e.g. http://127.0.0.1:3003
  --fail-on violations|disagreements  exit 1 when the report has any of these (violations: request, response,
                                      transport and server-error findings)
  --format markdown|json              what stdout gets (default markdown)
  --ca FILE                           a PEM CA certificate to trust for an https proxy
  --timeout MS                        bound of the request (default 10000)
`

const fail = (message: string): number => {
  process.stderr.write(`basic-admin-mock: ${message.replace(/[\r\n]+/g, ' ')}\n`)
  return 1
}

function options<T extends Record<string, { type: 'string' | 'boolean' }>> (argv: string[], spec: T, command: string) {
  try {
    return parseArgs({ args: argv, options: { ...spec, help: { type: 'boolean', short: 'h' } } }).values
  } catch (error) {
    throw new Error(`${(error as Error).message.split('. ')[0]!}: basic-admin-mock ${command} --help lists every option`)
  }
}

function wholeNumber (text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value)) throw new Error(`${flag} must be a whole number (got ${JSON.stringify(text)})`)
  return value
}

function readCa (file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`--ca ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
}

/** Runs the proxy until SIGINT or SIGTERM; 1 with a line on stderr when it cannot start. */
export async function proxyCommand (argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  let proxy
  try {
    const values = options(argv, { target: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, ca: { type: 'string' }, timeout: { type: 'string' } }, 'proxy')
    if (values.help === true) {
      out(PROXY_USAGE)
      return 0
    }
    if (typeof values.target !== 'string') throw new Error('--target is required: the real service, e.g. --target https://api.basic.tech')
    const port = wholeNumber(values.port as string | undefined, '--port') ?? wholeNumber(env.PORT, 'PORT') ?? 3003
    const timeout = wholeNumber(values.timeout as string | undefined, '--timeout')
    const ca = readCa(values.ca as string | undefined)
    const adminToken = env.ADMIN_TOKEN === '' ? undefined : env.ADMIN_TOKEN
    // Loaded here: --help and bad flags answer without Fastify.
    const { startMockServer } = await import('../mock-server.js')
    proxy = await startMockServer({
      port,
      host: (values.host as string | undefined) ?? env.HOST ?? '127.0.0.1',
      ...(adminToken === undefined ? {} : { adminToken }),
      logLevel: (env.LOG_LEVEL as 'info' | undefined) ?? 'info',
      proxy: { target: values.target, ...(ca === undefined ? {} : { ca }), ...(timeout === undefined ? {} : { timeout }) }
    })
    out(`basic-admin-mock proxy on ${proxy.url}, forwarding to ${new URL(values.target).origin}\n`)
    if (adminToken === undefined) process.stderr.write('basic-admin-mock: warning: no ADMIN_TOKEN, so no control plane: /__admin/drift and drift-report need one\n')
  } catch (error) {
    return fail((error as Error).message)
  }
  await new Promise<void>(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await proxy.close()
  return 0
}

/** Prints the proxy's report; 1 when --fail-on finds what it names, or the report cannot be had. */
export async function driftReportCommand (argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void): Promise<number> {
  try {
    const values = options(argv, { url: { type: 'string' }, 'fail-on': { type: 'string' }, format: { type: 'string' }, ca: { type: 'string' }, timeout: { type: 'string' } }, 'drift-report')
    if (values.help === true) {
      out(DRIFT_REPORT_USAGE)
      return 0
    }
    const url = values.url as string | undefined
    if (url === undefined || !/^https?:\/\/[^/@]+(\/|$)/.test(url)) throw new Error(`--url must be the proxy's http(s) address, e.g. http://127.0.0.1:3003, with no user:password@ (got ${JSON.stringify(url === undefined ? '' : url.replace(/\/\/[^/]*@/, '//[hidden]@'))})`)
    const failOn = values['fail-on'] as string | undefined
    if (failOn !== undefined && failOn !== 'violations' && failOn !== 'disagreements') throw new Error(`--fail-on must be violations or disagreements (got ${JSON.stringify(failOn)})`)
    const format = (values.format as string | undefined) ?? 'markdown'
    if (format !== 'markdown' && format !== 'json') throw new Error(`--format must be markdown or json (got ${JSON.stringify(format)})`)
    const timeoutMs = wholeNumber(values.timeout as string | undefined, '--timeout') ?? 10_000
    const token = [env.BASIC_ADMIN_TOKEN, env.ADMIN_TOKEN].find(value => value !== undefined && value !== '')
    if (token === undefined) throw new Error('drift-report reads the control plane: set BASIC_ADMIN_TOKEN (or ADMIN_TOKEN) in the environment to the proxy\'s token')
    const base = new URL(url)
    const answer = await send(base, { method: 'GET', path: '/__admin/drift', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, { timeoutMs, ca: readCa(values.ca as string | undefined) })
    if (!answer.ok) throw new Error(`${base.origin}: ${answer.message}`)
    if (answer.status === 404) throw new Error(`${base.origin} answered 404 to /__admin/drift: it is no proxy, or has no control plane for this token (start it with ADMIN_TOKEN and give the same one as BASIC_ADMIN_TOKEN)`)
    let report: ProxyDriftReport
    try {
      report = JSON.parse(answer.text) as ProxyDriftReport
      if (answer.status !== 200 || typeof report.violations !== 'number' || typeof report.disagreements !== 'number') throw new Error('not a report')
    } catch {
      throw new Error(`${base.origin} answered ${answer.status} ${JSON.stringify(answer.text.slice(0, 80))}, not a drift report: is --url a basic-admin-mock proxy?`)
    }
    out(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : proxyMarkdown(report) + '\n')
    if (failOn === 'violations' && report.violations > 0) return 1
    if (failOn === 'disagreements' && report.disagreements > 0) return 1
    return 0
  } catch (error) {
    return fail((error as Error).message)
  }
}
