// The benchmark harness must not rot: its quick mode runs once here. It asserts only that it ran and
// every answer was 2xx, never a speed (the machine is shared; speed is what `npm run bench` reports).
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { BASELINE, CEILING, GOAL, MEMORY, MINIMAL, NO_WRITE, PAIRED, runBench, runScale, scaleTable, table } from '../bench/run.js'
import { goals } from '../bench/goals.js'
import { allowedCpus, planPinning } from '../bench/pinning.js'
import { runProfile, sumByStage } from '../bench/profile.js'
import { cpuNs, settle } from '../bench/cpu.js'
import { packageRoot } from '../src/paths.js'

const run = promisify(execFile)

/** The cells of the table row that starts so, trimmed. */
function cells (table: string, start: string): string[] {
  const row = table.split('\n').find(line => line.startsWith(start))
  if (row === undefined) throw new Error(`no row starting ${start} in ${table}`)
  return row.split('|').slice(1, -1).map(cell => cell.trim())
}

t.test('npm run bench -- --quick drives every scenario, pinned, beside a baseline build, and every answer is 2xx', async t => {
  const lines: string[] = []
  const plan = planPinning()
  const before = allowedCpus()
  // The baseline is this very build: the harness of old beside new, cheaply (a checkout of an older commit in use).
  const report = await runBench({ quick: true, baseline: packageRoot, log: line => lines.push(line) })
  t.strictSame(report.summary.map(row => row.scenario), [CEILING, MINIMAL, NO_WRITE, 'PATCH, API key', GOAL, MEMORY, 'PATCH, API key, namespace', 'PATCH, HS256 JWT', 'PATCH, RS256 JWT', BASELINE, PAIRED])
  for (const row of report.summary) {
    t.ok(row.requests > 0, `${row.scenario}: requests were made`)
    t.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`)
    t.ok(Number.isFinite(row.p50) && Number.isFinite(row.p99), `${row.scenario}: latencies measured`)
    t.ok(row.cpuUs! > 0, `${row.scenario}: the server's CPU per request measured (${row.cpuUs})`)
  }
  const apiKey10 = report.summary.find(row => row.scenario === 'PATCH, API key' && row.connections === 10)!
  t.ok(apiKey10.ratios.length > 0, 'a ratio for each round')
  t.ok(report.startup.serverMs > 0 && report.startup.bareMs > 0, 'start-up measured')
  t.ok(report.peakRssMb !== undefined && report.peakRssMb > 0, 'peak RSS read')
  t.match(table(report), /\| PATCH, API key \| 10 \| \d+ \| \d\.\d\d \|/)
  t.strictSame(cells(table(report), '| PATCH, API key | 10 |').slice(3, 7), [apiKey10.ratio!.toFixed(2), apiKey10.ratios.map(r => r.toFixed(2)).join(' '), apiKey10.toMinimal.ratio!.toFixed(2), apiKey10.toMinimal.ratios.map(r => r.toFixed(2)).join(' ')], 'the median ratio to the ceiling, each round\'s, then the same to the minimal durable PATCH')
  const ceiling10 = report.summary.find(row => row.scenario === CEILING && row.connections === 10)!
  t.strictSame(cells(table(report), '| PATCH, API key | 10 |').slice(11, 14), [apiKey10.cpuUs!.toFixed(0), (apiKey10.cpuUs! / ceiling10.cpuUs!).toFixed(2), apiKey10.cpuToCeiling.ratios.map(r => r.toFixed(2)).join(' ')], 'CPU per request, against the ceiling\'s, each round\'s')
  const goal = report.summary.find(row => row.scenario === GOAL)!
  const paired = report.summary.find(row => row.scenario === PAIRED)!
  t.equal(goal.toBaseline, undefined, 'the goal scenario\'s server takes every other scenario\'s writes too: not the one held against the baseline')
  t.equal(paired.toBaseline?.ratios.length, 1, 'new / old for the round, from this build\'s own paired server')
  t.equal(paired.cpuToBaseline?.ratios.length, 1, 'CPU per PATCH new / old for the round')
  t.strictSame(cells(table(report), '| 10 |'), ['10', paired.toBaseline!.ratio!.toFixed(2), paired.toBaseline!.ratios.map(r => r.toFixed(2)).join(' '), paired.cpuToBaseline!.ratio!.toFixed(2), paired.cpuToBaseline!.ratios.map(r => r.toFixed(2)).join(' ')], 'new / old in its own table, by req/s and by CPU per PATCH')
  t.equal(lines.length, 14, 'the pinning, one progress line per scenario, the round\'s ratios, and the namespace start')
  t.match(lines.find(line => line.includes(`${GOAL} `) && line.includes(' req/s ')), / CPU \d+ us\/req {2}non-2xx 0$/, 'each load\'s CPU per request as it ends')
  t.match(lines.find(line => line.includes('ratios to the ceiling')), new RegExp(`^round 1  10 conns  ratios to the ceiling: .*; ${GOAL} / ${MINIMAL} \\d\\.\\d\\d; new / old \\d\\.\\d\\d, CPU per PATCH new / old \\d\\.\\d\\d$`))
  if (typeof plan === 'string') {
    t.strictSame(report.pinning, { off: plan }, 'not pinned, and why')
  } else {
    t.strictSame(report.pinning, { servers: plan.servers, load: plan.load, observed: { server: plan.servers, bench: plan.load } }, 'the server ran on its CPUs, the load generator on the others')
    t.match(lines[0], `on CPU ${plan.servers}; load generator`)
  }
  t.equal(allowedCpus(), before, 'this process has its CPUs back')
  t.ok(report.namespaceStart.newMs > 0 && report.namespaceStart.usedMs > 0, 'a new namespace\'s start measured')
  const tenConnections = goals(report).find(([name]) => name === '10 connections: >= 0.80 of the ceiling')!
  t.strictSame(tenConnections, [tenConnections[0], goal.ratio!.toFixed(2), goal.ratio! >= 0.8], 'a goal judged from the run\'s own ratio')
  t.equal(goals(report).find(([name]) => name.startsWith('100 connections: >= 0.90'))![2], undefined, 'a goal the run did not measure is not judged')
})

t.test('--baseline-only: the ceiling and the two paired servers alone', async t => {
  const report = await runBench({ quick: true, baseline: packageRoot, baselineOnly: true, log: () => {} })
  t.strictSame(report.summary.map(row => row.scenario), [CEILING, BASELINE, PAIRED])
  for (const row of report.summary) t.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`)
  t.equal(report.summary[2]!.toBaseline?.ratios.length, 1, 'new / old for the round')
})

t.test('npm run bench -- --scale --no-pin, in miniature: a fixture seeded by the CLI, both sizes driven, every answer 2xx', async t => {
  const lines: string[] = []
  const before = allowedCpus()
  // Parts of 4 KiB: the large fixture loads as `seed` takes it, in files under a bound (16 MiB outside the test; the
  // full --scale stopped at its seed when it wrote one 108 MB file); every key answering 2xx shows every part loaded.
  const report = await runScale({ quick: true, pin: false, large: { projects: 20, keys: 10 }, partBytes: 4096, log: line => lines.push(line) })
  t.equal(lines[0], 'pinning: off (--no-pin)')
  t.equal(allowedCpus(), before, 'this process left where it was')
  t.match(lines.at(-1), /^round 1 ratios to the ceiling: PATCH, HS256 JWT, 100 keys \d\.\d\d, PATCH, HS256 JWT, 200 keys \d\.\d\d$/)
  t.strictSame(report.summary.map(row => row.scenario), ['bare fastify (ceiling)', 'PATCH, HS256 JWT, 100 keys', 'PATCH, HS256 JWT, 200 keys'])
  for (const row of report.summary) t.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`)
  t.ok(report.seed.seconds > 0 && report.seed.databaseMb > 0 && report.seed.peakRssMb > 0, 'the seed measured')
  t.ok(report.seed.parts >= 4, `the large fixture written in parts of at most 4 KiB (${report.seed.parts})`)
  t.match(lines.find(line => line.startsWith('seed of 200 keys')), new RegExp(`fixture 0 MB in ${report.seed.parts} parts`))
  t.ok(Number.isFinite(report.loss), 'the loss computed')
  const large = report.summary[2]!
  t.strictSame(cells(scaleTable(report), '| PATCH, HS256 JWT, 200 keys |').slice(2, 4), [large.ratio!.toFixed(2), large.ratios.map(r => r.toFixed(2)).join(' ')], 'the median ratio, then each round\'s')
  t.match(scaleTable(report), /200 keys lose -?\d+\.\d% of the 100-key share of the ceiling; their CPU per PATCH is \d+\.\d\dx the 100-key server's \(rounds \d+\.\d\d\)/)
  t.equal(cells(scaleTable(report), '| PATCH, HS256 JWT, 200 keys |')[5], large.cpuUs!.toFixed(0), 'the large server\'s CPU per request')
})

t.test('--profile sums self time by stage: a native call counts for its caller, node\'s code for the stage that called it', async t => {
  const file = (path: string): string => `file:///app/${path}`
  const node = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 1 }, children })
  const profile = {
    nodes: [
      node(1, '(root)', '', [2, 5, 7, 9, 10]),
      node(2, 'patch', file('dist/src/routes/project/key/index.js'), [3]),
      node(3, 'update', file('dist/src/stores/keys.js'), [4]),
      node(4, 'run', ''),
      node(5, 'write', file('node_modules/sonic-boom/index.js'), [6]),
      node(6, 'writeSync', 'node:fs'),
      node(7, 'onSendEnd', file('node_modules/fastify/lib/reply.js'), [8]),
      node(8, 'write', 'node:_http_outgoing'),
      node(9, '(idle)', ''),
      node(10, '(garbage collector)', '')
    ],
    startTime: 0,
    endTime: 800,
    // Sample i lasts until sample i + 1: at 0 and 100 the UPDATE's native run, then the log's write, the answer's write, idle, GC, the UPDATE itself.
    samples: [4, 4, 6, 8, 9, 10, 3, 9],
    timeDeltas: [0, 100, 100, 100, 100, 100, 100, 100]
  }
  const ms = (report: ReturnType<typeof sumByStage>, stage: string): number | undefined => report.stages.find(row => row.stage === stage)?.ms
  const all = sumByStage(profile, 3)
  t.equal(ms(all, 'the UPDATE and last_used'), 0.3, 'the statement\'s native run and update\'s own time')
  t.equal(ms(all, 'log line'), 0.1, 'sonic-boom\'s fs write')
  t.equal(ms(all, 'node (http, net, streams, timers)'), 0.1, 'the answer\'s write, called by fastify')
  t.equal(ms(all, 'garbage collector'), 0.1)
  t.equal(ms(all, 'coverage counting'), 0, 'a stage of the issue is listed at 0')
  t.equal(all.stages.reduce((sum, row) => sum + row.ms, 0).toFixed(3), '0.600', 'idle time is not busy time')
  t.equal(all.stages.find(row => row.stage === 'the UPDATE and last_used')!.usPerRequest, 100)
  t.strictSame(all.top[0], { fn: 'update', file: 'stores/keys.js', stage: 'the UPDATE and last_used', ms: 0.3 })
  const windowed = sumByStage(profile, 3, { from: 250, to: 650 })
  t.strictSame([ms(windowed, 'the UPDATE and last_used'), ms(windowed, 'log line'), ms(windowed, 'node (http, net, streams, timers)'), windowed.windowed], [0.1, 0, 0.1, true], 'only the samples of the window')
})

t.test('bench/in-process.mjs: one build\'s CPU per PATCH in process, every answer 200, and a clear failure otherwise', async t => {
  const script = join(packageRoot, 'bench', 'in-process.mjs')
  const { stdout } = await run(process.execPath, [script, packageRoot, '10', '100'])
  const line = JSON.parse(stdout) as { us: number, wall: number }
  t.ok(line.us > 0 && line.wall > 0, `CPU and wall per PATCH measured (${stdout.trim()})`)
  await t.rejects(run(process.execPath, [script, join(packageRoot, 'no-such-build')]), /Cannot find module/, 'a folder with no build is an error, not a number')
})

t.test('npm run bench -- --profile --quick, a real server: the server\'s own code is told apart by stage, not lumped with the packages', async t => {
  // Profiling the bundled command put every function of ours under "other packages" (its chunks are no file of src/).
  const report = await runProfile({ quick: true, pin: false, log: () => {} })
  const ms = (stage: string): number => report.stages.find(row => row.stage === stage)?.ms ?? 0
  const seen = JSON.stringify(report.stages.map(row => [row.stage, row.ms]))
  t.ok(ms('the UPDATE and last_used') > 0, `the store's UPDATE has samples of its own: ${seen}`)
  t.ok(ms('other server code (dist/src)') > 0, 'and so has the rest of the server\'s code')
  t.notOk(report.top.some(row => row.file.includes('chunk-')), 'no function of a bundle chunk among the busiest')
})

t.test('cpuNs counts a process\'s CPU, all threads; settle waits for quiet servers, at most its limit', async t => {
  // One child spins, one sleeps; their CPU is read from /proc while both run.
  // Each child says when its start-up is over: one still loading Node may wait on the disk, and read as quiet or
  // spend CPU while "sleeping" (two runs failed so, CI's and one beside two CPU burners: 'spawn' is not 'started').
  const busy = spawn(process.execPath, ['-e', 'process.stdout.write("spinning", () => { for (;;) {} })'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600_000); setImmediate(() => process.stdout.write("sleeping"))'], { stdio: ['ignore', 'pipe', 'ignore'] })
  t.teardown(() => { busy.kill('SIGKILL'); idle.kill('SIGKILL') })
  await Promise.all([once(busy.stdout!, 'data'), once(idle.stdout!, 'data')])
  const first = cpuNs(busy.pid!)!
  t.ok(first >= 0, 'read from /proc')
  t.ok(await settle([busy.pid!], 300) >= 300, 'a spinning process is never quiet: settle waits its whole limit')
  t.ok(cpuNs(busy.pid!)! > first, 'and the spinning process ran meanwhile')
  // The sleeping child may still be starting up; once it sleeps, settle returns at its first quiet step.
  t.ok(await settle([idle.pid!], 60_000) < 60_000, 'a sleeping process is quiet: settle returns before its limit')
  const before = cpuNs(idle.pid!)!
  await new Promise(resolve => setTimeout(resolve, 200))
  const spent = cpuNs(idle.pid!)! - before
  t.ok(spent < 20e6, `a sleeping process spends (almost) nothing: ${(spent / 1e6).toFixed(1)} ms of CPU in 200 ms`)
  t.equal(cpuNs(2 ** 22 + 1), undefined, 'no such process: undefined')
})
