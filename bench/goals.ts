// Issue 29's goals, each judged from one run's report: what was measured, and whether it is met. Scale is --scale's.
import { CEILING, GOAL, MEMORY } from './load.js'
import type { Report, Summary } from './run.js'

type Row = [goal: string, measured: string, met: boolean | undefined]

const verdict = (met: boolean | undefined): string => met === undefined ? 'not measured' : met ? 'yes' : 'no'

export function goals (report: Report): Row[] {
  const row = (scenario: string, connections: number): Summary | undefined => report.summary.find(m => m.scenario === scenario && m.connections === connections)
  const rows: Row[] = []
  const atLeast = (goal: string, value: number | undefined, limit: number): void => {
    rows.push([goal, value === undefined ? '-' : value.toFixed(2), value === undefined ? undefined : value >= limit])
  }
  const one = row(GOAL, 1)
  const ceilingOne = row(CEILING, 1)
  const p50 = one === undefined || ceilingOne === undefined ? undefined : one.p50 / ceilingOne.p50
  const p99 = one === undefined || ceilingOne === undefined ? undefined : one.p99 / ceilingOne.p99
  rows.push(['1 connection: p50 <= 1.5x the ceiling\'s', p50 === undefined ? '-' : `${p50.toFixed(2)}x (${one!.p50.toFixed(2)} / ${ceilingOne!.p50.toFixed(2)} ms)`, p50 === undefined ? undefined : p50 <= 1.5])
  rows.push(['1 connection: p99 <= 2x the ceiling\'s', p99 === undefined ? '-' : `${p99.toFixed(2)}x (${one!.p99.toFixed(2)} / ${ceilingOne!.p99.toFixed(2)} ms)`, p99 === undefined ? undefined : p99 <= 2])
  atLeast('1 connection: >= the minimal durable PATCH (server / minimal)', one?.toMinimal.ratio, 1)
  atLeast('10 connections: >= 0.80 of the ceiling', row(GOAL, 10)?.ratio, 0.8)
  atLeast('10 connections, :memory:: >= 0.90 of the ceiling', row(MEMORY, 10)?.ratio, 0.9)
  atLeast('100 connections: >= 0.90 of the ceiling', row(GOAL, 100)?.ratio, 0.9)
  atLeast('100 connections: >= 1.3x the minimal durable PATCH', row(GOAL, 100)?.toMinimal.ratio, 1.3)
  atLeast('100 connections, :memory:: >= 0.95 of the ceiling', row(MEMORY, 100)?.ratio, 0.95)
  const startup = Number.isFinite(report.startup.ratio) ? report.startup.ratio : undefined
  rows.push(['start to /ready <= 1.5x a bare Fastify process', startup === undefined ? '-' : `${startup.toFixed(2)}x (${report.startup.serverMs.toFixed(0)} / ${report.startup.bareMs.toFixed(0)} ms)`, startup === undefined ? undefined : startup <= 1.5])
  const fresh = Number.isFinite(report.namespaceStart.newMs) ? report.namespaceStart.newMs : undefined
  rows.push(['a new namespace\'s first answer <= 2 ms', fresh === undefined ? '-' : `${fresh.toFixed(1)} ms`, fresh === undefined ? undefined : fresh <= 2])
  rows.push(['peak RSS under load <= 120 MB', report.peakRssMb === undefined ? '-' : `${report.peakRssMb.toFixed(1)} MB`, report.peakRssMb === undefined ? undefined : report.peakRssMb <= 120])
  // JWT bodies are label-only: they are held against the label-only API-key scenario of the same round.
  for (const jwt of ['HS256', 'RS256']) {
    for (const connections of [1, 10, 100]) {
      const mine = row(`PATCH, ${jwt} JWT`, connections)
      const key = row('PATCH, API key', connections)
      const ratio = mine?.ratio === undefined || key?.ratio === undefined ? undefined : mine.ratio / key.ratio
      rows.push([`${jwt} JWT within 5% of API key, ${connections} connection${connections === 1 ? '' : 's'}`, ratio === undefined ? '-' : ratio.toFixed(2), ratio === undefined ? undefined : ratio >= 0.95])
    }
  }
  rows.push(['scale: 1,000,000 keys lose <= 10% against 10,000', 'npm run bench -- --scale', undefined])
  return rows
}

export function goalsTable (report: Report): string {
  return ['| goal (issue 29) | measured | met |', '|---|---|---|', ...goals(report).map(([goal, measured, met]) => `| ${goal} | ${measured} | ${verdict(met)} |`)].join('\n')
}
