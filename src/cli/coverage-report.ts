// A coverage report (GET /__admin/coverage) as the CLI prints it (docs/coverage.md): text for a terminal, markdown
// for $GITHUB_STEP_SUMMARY, JSON as the server answered it, JUnit XML for CI test reports (one test case per case,
// failed when never exercised); and the check of --require and --min against it.
import { createRequire } from 'node:module'
import type { Builder } from 'junit-report-builder'
import type { CoverageReport } from '../operations/coverage.js'

// Loaded when JUnit is asked for, so the CLI's other commands start without it. Its types declare an ES default
// export; it is CommonJS, whose module.exports is the builder itself.
const junit = (): Builder => createRequire(import.meta.url)('junit-report-builder') as Builder

export const FORMATS = ['text', 'markdown', 'json', 'junit'] as const
export type Format = typeof FORMATS[number]

/** One case of the report: an operation's status, or one rule of a refusal status. */
interface Case { operation: string, method: string, path: string, status: number, rule: string | undefined, count: number, id: string }

function casesOf (report: CoverageReport): Case[] {
  return report.operations.flatMap(({ operation, method, path, statuses }) => statuses.flatMap(({ status, count, rules }): Case[] => rules.length === 0
    ? [{ operation, method, path, status, rule: undefined, count, id: `${operation}:${status}` }]
    : rules.map(rule => ({ operation, method, path, status, rule: rule.rule, count: rule.count, id: `${operation}:${status}:${rule.rule}` }))))
}

/** "namespace default", or "namespaces default, suite-a" for a report that sums several. */
const namespaces = (report: CoverageReport, name = (n: string): string => n): string => {
  const names = report.namespace.split(',')
  return `${names.length === 1 ? 'namespace' : 'namespaces'} ${names.map(name).join(', ')}`
}
const capitalised = (text: string): string => text[0]!.toUpperCase() + text.slice(1)
const headline = (report: CoverageReport): string => `${report.covered} of ${report.total} cases (${report.percent}%)`
const others = (report: CoverageReport): string[] =>
  report.other.map(o => `${o.operation} ${o.status}${o.rule === null ? '' : ` ${o.rule}`}: ${o.count}`)

function text (report: CoverageReport): string {
  const lines = [`Contract coverage: ${headline(report)}, ${namespaces(report)}, since ${report.since}`]
  let operation: string | undefined
  for (const c of casesOf(report)) {
    if (c.operation !== operation) lines.push('', `${c.operation}  ${c.method} ${c.path}`)
    operation = c.operation
    lines.push(`  ${`${c.status} ${c.rule ?? ''}`.padEnd(34)} ${String(c.count).padStart(6)}${c.count === 0 ? '  never' : ''}`)
  }
  if (report.other.length > 0) lines.push('', 'Answers outside the contract\'s cases:', ...others(report).map(line => `  ${line}`))
  return lines.join('\n') + '\n'
}

function markdown (report: CoverageReport): string {
  const lines = [
    `### Contract coverage: ${headline(report)}`,
    '',
    `${capitalised(namespaces(report, n => `\`${n}\``))}, counted since ${report.since}. ${report.missing.length === 0 ? 'Every case was exercised.' : `${report.missing.length} never exercised (❌).`}`,
    '',
    '| Operation | Status | Rule | Answers |',
    '| --- | --- | --- | ---: |'
  ]
  let operation: string | undefined
  for (const c of casesOf(report)) {
    const name = c.operation === operation ? '' : `\`${c.operation}\` ${c.method} \`${c.path}\``
    operation = c.operation
    lines.push(`| ${name} | ${c.status} | ${c.rule === undefined ? '' : `\`${c.rule}\``} | ${c.count === 0 ? '❌ 0' : `✅ ${c.count}`} |`)
  }
  if (report.other.length > 0) lines.push('', 'Answers outside the contract\'s cases: ' + others(report).map(line => `\`${line}\``).join(', ') + '.')
  return lines.join('\n') + '\n'
}

function junitXml (report: CoverageReport): string {
  const builder = junit().newBuilder().name(`basic-admin-mock contract coverage (${namespaces(report)})`)
  for (const operation of report.operations) {
    const suite = builder.testSuite().name(`${operation.operation} ${operation.method} ${operation.path}`)
    for (const c of casesOf({ ...report, operations: [operation] })) {
      // Named by the case's id, which --require takes as it is.
      const test = suite.testCase().className(`contract.${c.operation}`).name(c.id)
      if (c.count === 0) test.failure(`never exercised: ${c.id}`, 'coverage')
      else test.standardOutput(`${c.count} answer(s) since ${report.since}`)
    }
  }
  return builder.build() + '\n'
}

export function formatCoverage (report: CoverageReport, format: Format): string {
  switch (format) {
    case 'text': return text(report)
    case 'markdown': return markdown(report)
    case 'json': return JSON.stringify(report, null, 2) + '\n'
    case 'junit': return junitXml(report)
  }
}

/** A --require list that names what the report has not: thrown before any output. */
export class RequirementError extends Error {}

/**
 * What --require and --min ask that the report lacks, one line each; none when met. A required case is
 * operation:status (any answer of that status) or operation:status:rule; naming one the contract lacks throws.
 */
export function unmet (report: CoverageReport, required: string[], min: number | undefined): string[] {
  const cases = casesOf(report)
  const missing: string[] = []
  for (const id of required) {
    const [operation = '', status = '', ...rest] = id.split(':')
    const rule = rest.length === 0 ? undefined : rest.join(':')
    const ofOperation = cases.filter(c => c.operation === operation)
    if (ofOperation.length === 0) throw new RequirementError(`--require ${id}: no operation ${JSON.stringify(operation)} (the contract's: ${[...new Set(cases.map(c => c.operation))].join(', ')})`)
    const ofStatus = ofOperation.filter(c => String(c.status) === status)
    if (ofStatus.length === 0) throw new RequirementError(`--require ${id}: ${operation} lists no status ${JSON.stringify(status)} (it lists ${[...new Set(ofOperation.map(c => c.status))].join(', ')})`)
    const matching = rule === undefined ? ofStatus : ofStatus.filter(c => c.rule === rule)
    if (matching.length === 0) throw new RequirementError(`--require ${id}: no rule ${JSON.stringify(rule)} answers ${operation}'s ${status} (its rules: ${ofStatus.map(c => c.rule).join(', ')})`)
    if (matching.every(c => c.count === 0)) missing.push(id)
  }
  const problems = missing.length === 0 ? [] : [`${missing.length} required case(s) never exercised: ${missing.join(', ')}`]
  // Compared as integers: 71 cases at --min 100 must not pass at 70.99...
  if (min !== undefined && report.covered * 100 < min * report.total) {
    problems.push(`coverage ${headline(report)} is below --min ${min}%; never exercised: ${report.missing.join(', ')}`)
  }
  return problems
}
