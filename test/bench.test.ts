// The benchmark harness must not rot: its quick mode runs once here. It asserts only that it ran and
// every answer was 2xx, never a speed (the machine is shared; speed is what `npm run bench` reports).
import t from 'tap'
import { runBench, table } from '../bench/run.js'

t.test('npm run bench -- --quick drives every scenario and every answer is 2xx', async t => {
  const lines: string[] = []
  const report = await runBench({ quick: true, log: line => lines.push(line) })
  t.strictSame(report.summary.map(row => row.scenario), ['bare fastify (ceiling)', 'PATCH, API key', 'PATCH, HS256 JWT', 'PATCH, RS256 JWT'])
  for (const row of report.summary) {
    t.ok(row.requests > 0, `${row.scenario}: requests were made`)
    t.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`)
    t.ok(Number.isFinite(row.p50) && Number.isFinite(row.p99), `${row.scenario}: latencies measured`)
  }
  t.ok(report.startup.serverMs > 0 && report.startup.bareMs > 0, 'start-up measured')
  t.ok(report.peakRssMb !== undefined && report.peakRssMb > 0, 'peak RSS read')
  t.match(table(report), /\| PATCH, API key \| 10 \| \d+ \| \d\.\d\d \|/)
  t.equal(lines.length, 4, 'one progress line per scenario')
})
