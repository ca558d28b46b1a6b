// The benchmark harness must not rot: its quick mode runs once here. It asserts only that it ran and
// every answer was 2xx, never a speed (the machine is shared; speed is what `npm run bench` reports).
import t from 'tap'
import { runBench, runScale, scaleTable, table } from '../bench/run.js'

/** The cells of the table row that starts so, trimmed. */
function cells (table: string, start: string): string[] {
  const row = table.split('\n').find(line => line.startsWith(start))
  if (row === undefined) throw new Error(`no row starting ${start} in ${table}`)
  return row.split('|').slice(1, -1).map(cell => cell.trim())
}

t.test('npm run bench -- --quick drives every scenario and every answer is 2xx', async t => {
  const lines: string[] = []
  const report = await runBench({ quick: true, log: line => lines.push(line) })
  t.strictSame(report.summary.map(row => row.scenario), ['bare fastify (ceiling)', 'PATCH, API key', 'PATCH, API key, roles in half', 'PATCH, API key, namespace', 'PATCH, HS256 JWT', 'PATCH, RS256 JWT'])
  for (const row of report.summary) {
    t.ok(row.requests > 0, `${row.scenario}: requests were made`)
    t.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`)
    t.ok(Number.isFinite(row.p50) && Number.isFinite(row.p99), `${row.scenario}: latencies measured`)
  }
  const apiKey10 = report.summary.find(row => row.scenario === 'PATCH, API key' && row.connections === 10)!
  t.ok(apiKey10.ratios.length > 0, 'a ratio for each round')
  t.ok(report.startup.serverMs > 0 && report.startup.bareMs > 0, 'start-up measured')
  t.ok(report.peakRssMb !== undefined && report.peakRssMb > 0, 'peak RSS read')
  t.match(table(report), /\| PATCH, API key \| 10 \| \d+ \| \d\.\d\d \|/)
  t.strictSame(cells(table(report), '| PATCH, API key | 10 |').slice(3, 5), [apiKey10.ratio!.toFixed(2), apiKey10.ratios.map(r => r.toFixed(2)).join(' ')], 'the median ratio, then each round\'s')
  t.equal(lines.length, 7, 'one progress line per scenario, and the namespace start')
  t.ok(report.namespaceStart.newMs > 0 && report.namespaceStart.usedMs > 0, 'a new namespace\'s start measured')
})

t.test('npm run bench -- --scale, in miniature: a fixture seeded by the CLI, both sizes driven, every answer 2xx', async t => {
  const lines: string[] = []
  const report = await runScale({ quick: true, large: { projects: 20, keys: 10 }, log: line => lines.push(line) })
  t.strictSame(report.summary.map(row => row.scenario), ['bare fastify (ceiling)', 'PATCH, HS256 JWT, 100 keys', 'PATCH, HS256 JWT, 200 keys'])
  for (const row of report.summary) t.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`)
  t.ok(report.seed.seconds > 0 && report.seed.databaseMb > 0 && report.seed.peakRssMb > 0, 'the seed measured')
  t.ok(Number.isFinite(report.loss), 'the loss computed')
  const large = report.summary[2]!
  t.strictSame(cells(scaleTable(report), '| PATCH, HS256 JWT, 200 keys |').slice(2, 4), [large.ratio!.toFixed(2), large.ratios.map(r => r.toFixed(2)).join(' ')], 'the median ratio, then each round\'s')
  t.match(scaleTable(report), /200 keys lose -?\d+\.\d% of the 100-key share of the ceiling/)
})
