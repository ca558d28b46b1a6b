// A validating proxy's report (GET /__admin/drift?format=markdown, drift-report): findings grouped by operation and
// kind, with counts, as markdown for $GITHUB_STEP_SUMMARY; the JSON form is the report itself.
import type { ProxyDriftReport } from '../operations/proxy-findings.js'

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/`/g, 'ˋ')

export function proxyMarkdown (report: ProxyDriftReport): string {
  const total = report.violations + report.disagreements
  const verdict = total === 0 ? '✅ no findings' : `❌ ${report.violations} violation(s), ${report.disagreements} disagreement(s)`
  const lines = [
    `## basic-admin-mock proxy: ${verdict}`,
    '',
    `Target \`${cell(report.target)}\`, ${report.exchanges} exchange(s) since ${report.since}, ${report.withFindings} with findings.`,
    ''
  ]
  const kinds = Object.entries(report.counts).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`)
  if (kinds.length > 0) lines.push(`Findings by kind: ${kinds.join(', ')}.`, '')
  if (report.dropped > 0) lines.push(`${report.dropped} finding(s) beyond the kept rows were counted only.`, '')
  for (const { operation, kinds } of report.operations) {
    lines.push(`### ${cell(operation)}`, '', '| kind | status | where | finding | count |', '|---|---|---|---|---|')
    for (const group of kinds) {
      for (const f of group.findings) lines.push(`| ${f.kind} | ${f.status ?? '(none)'} | ${cell(f.where ?? '')} | ${cell(f.message)} | ${f.count} |`)
    }
    lines.push('')
  }
  return lines.join('\n')
}
