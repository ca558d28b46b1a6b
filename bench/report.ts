// What `npm run bench` prints: each round's ratios as it ends, and the tables of a run (docs/performance.md).
import { BASELINE, CEILING, GOAL, MINIMAL, NO_WRITE, PAIRED, type Measured } from './load.js'
import { goalsTable } from './goals.js'
import type { Report, ScaleReport, Summary, Versus } from './run.js'

const fixed = (value: number | undefined): string => value === undefined || !Number.isFinite(value) ? '' : value.toFixed(2)
const whole = (value: number | undefined): string => value === undefined || !Number.isFinite(value) ? '' : value.toFixed(0)
const each = (versus: Versus | undefined): string => versus === undefined ? '' : versus.ratios.map(ratio => ratio.toFixed(2)).join(' ')

/** One round's ratios at one connection count, printed as it ends: to the ceiling, to the minimal durable PATCH, new / old. */
export function roundRatios (round: number, connections: number, group: Measured[]): string {
  const find = (name: string): Measured | undefined => group.find(m => m.scenario === name)
  const of = (name: string, reference: string, metric: (m: Measured) => number | undefined = m => m.rps): string => {
    const [mine, theirs] = [find(name), find(reference)]
    const [a, b] = [mine === undefined ? undefined : metric(mine), theirs === undefined ? undefined : metric(theirs)]
    return a === undefined || b === undefined ? '-' : (a / b).toFixed(2)
  }
  const parts = group.filter(m => m.scenario !== CEILING).sort((a, b) => a.scenario.localeCompare(b.scenario)).map(m => `${m.scenario} ${of(m.scenario, CEILING)}`)
  const extra = find(GOAL) === undefined ? [] : [`${GOAL} / ${MINIMAL} ${of(GOAL, MINIMAL)}`]
  if (find(BASELINE) !== undefined) extra.push(`new / old ${of(PAIRED, BASELINE)}, CPU per PATCH new / old ${of(PAIRED, BASELINE, m => m.cpuUs)}`)
  return `round ${round + 1} ${String(connections).padStart(3)} conns  ratios to the ceiling: ${parts.join(', ')}${extra.map(part => `; ${part}`).join('')}`
}

/** The ratio of each round, so that a reader sees how far the rounds of one run spread (the ceiling's own: none). */
const eachRound = (row: Summary): string => row.scenario === CEILING ? '' : each(row)

export function table (report: Report): string {
  const lines = [
    '| scenario | conns | req/s | ratio to ceiling | each round | / minimal durable | each round | p50 ms | p99 ms | p50 / ceiling p50 | p99 / ceiling p99 | CPU us / req | CPU / ceiling\'s | each round | non-2xx |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const row of report.summary) {
    const ceiling = report.summary.find(m => m.connections === row.connections && m.scenario === CEILING)
    const toMinimal = [MINIMAL, CEILING, NO_WRITE, BASELINE, PAIRED].includes(row.scenario) ? ['', ''] : [fixed(row.toMinimal.ratio), each(row.toMinimal)]
    const cpu = row.scenario === CEILING ? [whole(row.cpuUs), '', ''] : [whole(row.cpuUs), fixed(row.cpuToCeiling.ratio), each(row.cpuToCeiling)]
    lines.push(`| ${row.scenario} | ${row.connections} | ${row.rps.toFixed(0)} | ${fixed(row.ratio)} | ${eachRound(row)} | ${toMinimal.join(' | ')} | ${row.p50.toFixed(2)} | ${row.p99.toFixed(2)} | ${ceiling === undefined ? '' : (row.p50 / ceiling.p50).toFixed(2)} | ${ceiling === undefined ? '' : (row.p99 / ceiling.p99).toFixed(2)} | ${cpu.join(' | ')} | ${row.non2xx} |`)
  }
  const baselined = report.summary.filter(row => row.toBaseline !== undefined)
  if (baselined.length > 0) {
    lines.push('', `new / old (${GOAL}, each build's own server seeded by its own CLI, this build against ${report.baseline ?? 'the baseline'}): req/s (over 1: new is faster) and CPU per PATCH (under 1: new is cheaper):`, '',
      '| conns | req/s new / old | each round | CPU per PATCH new / old | each round |', '|---:|---:|---:|---:|---:|')
    for (const row of baselined) lines.push(`| ${row.connections} | ${fixed(row.toBaseline!.ratio)} | ${each(row.toBaseline)} | ${fixed(row.cpuToBaseline?.ratio)} | ${each(row.cpuToBaseline)} |`)
  }
  const pinning = report.pinning
  lines.push('', 'off' in pinning ? `not pinned (${pinning.off})` : `pinned: servers on CPU ${pinning.servers} (the server's own list: ${pinning.observed.server ?? '?'}), load generator on CPU ${pinning.load} (${pinning.observed.bench ?? '?'})`)
  lines.push('', `server peak RSS ${report.peakRssMb?.toFixed(1) ?? '?'} MB; -wal after the run ${report.walMb.toFixed(1)} MB; start to /ready ${report.startup.serverMs.toFixed(0)} ms vs bare Fastify ${report.startup.bareMs.toFixed(0)} ms (${report.startup.ratio.toFixed(2)}x); a new namespace's first answer ${report.namespaceStart.newMs.toFixed(1)} ms (a used one's ${report.namespaceStart.usedMs.toFixed(1)} ms)`)
  if (!report.quick) lines.push('', goalsTable(report))
  return lines.join('\n')
}

export function scaleTable (report: ScaleReport): string {
  const lines = ['| scenario | req/s | ratio to ceiling | each round | p99 ms | CPU us / req | non-2xx |', '|---|---:|---:|---:|---:|---:|---:|']
  for (const row of report.summary) lines.push(`| ${row.scenario} | ${row.rps.toFixed(0)} | ${fixed(row.ratio)} | ${eachRound(row)} | ${row.p99.toFixed(2)} | ${whole(row.cpuUs)} | ${row.non2xx} |`)
  const { small, large } = report.keys
  lines.push('', `${large.toLocaleString('en')} keys lose ${(report.loss * 100).toFixed(1)}% of the ${small.toLocaleString('en')}-key share of the ceiling; their CPU per PATCH is ${fixed(report.cpuLoss.ratio)}x the ${small.toLocaleString('en')}-key server's (rounds ${each(report.cpuLoss)}); seed ${report.seed.seconds.toFixed(1)} s (fixture ${report.seed.fixtureMb.toFixed(0)} MB in ${report.seed.parts} parts, peak RSS ${report.seed.peakRssMb.toFixed(0)} MB), database ${report.seed.databaseMb.toFixed(0)} MB; server peak RSS ${report.peakRssMb.small?.toFixed(0) ?? '?'} MB at ${small.toLocaleString('en')} keys, ${report.peakRssMb.large?.toFixed(0) ?? '?'} MB at ${large.toLocaleString('en')}`)
  return lines.join('\n')
}
