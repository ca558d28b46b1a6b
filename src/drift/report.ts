// A drift report as markdown (for $GITHUB_STEP_SUMMARY) or JSON: findings grouped by step and kind, with counts.
import type { Finding } from './compare.js'
import type { DriftReport } from './run.js'

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/`/g, 'ˋ')

function table (findings: Finding[]): string[] {
  const lines = ['| step | kind | where | target | mock | accept id |', '|---|---|---|---|---|---|']
  for (const f of findings) lines.push(`| ${cell(f.step)} | ${f.kind} | ${cell(f.where ?? '')} | ${cell(f.target)} | ${cell(f.mock)} | \`${cell(f.id)}\` |`)
  return lines
}

function counts (findings: Finding[]): string {
  const byKind = new Map<string, number>()
  for (const f of findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1)
  return [...byKind].sort().map(([kind, n]) => `${kind} ${n}`).join(', ')
}

export function driftMarkdown (report: DriftReport): string {
  const verdict = report.ok ? '✅ no drift' : report.interrupted ? '⚠️ interrupted' : `❌ ${report.findings.length} difference(s)`
  const lines = [
    `## basic-admin-mock drift: ${verdict}`,
    '',
    `Target \`${cell(report.target)}\`, project \`${cell(report.project)}\`, ${report.steps.length} step(s), started ${report.startedAt}.`,
    ''
  ]
  if (report.findings.length > 0) lines.push(`### Differences (${counts(report.findings)})`, '', ...table(report.findings), '')
  if (report.accepted.length > 0) lines.push(`### Accepted (${report.accepted.length}, listed in --accept)`, '', ...table(report.accepted), '')
  if (report.unusedAccepts.length > 0) lines.push('### Accepted ids that matched nothing', '', ...report.unusedAccepts.map(id => `- \`${cell(id)}\``), '')
  lines.push('### Steps', '', '| step | request | target | mock | differences |', '|---|---|---|---|---|')
  for (const s of report.steps) lines.push(`| ${s.step} | ${cell(s.request)} | ${cell(s.target)} | ${cell(s.mock)} | ${s.findings} |`)
  lines.push('', '### Cleanup', '', ...(report.cleanup.length === 0 ? ['- nothing left to delete on the target'] : report.cleanup.map(line => `- ${cell(line)}`)), '')
  return lines.join('\n')
}

export function driftJson (report: DriftReport): string {
  return JSON.stringify(report, null, 2) + '\n'
}
