// node bench/in-process.mjs BUILD_DIR BATCH COUNT: CPU per PATCH of one build's app in process (app.inject, no network,
// log lines to a sink), PATCHes in batches of BATCH at once (group commit), COUNT to warm up then COUNT measured, on a
// SQLite file of its own with the demo data. One JSON line: { us, wall } per PATCH. For old beside new without the
// network and the load generator (docs/performance.md); run two builds alternately, pinned, and compare.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const [root, batchArg = '10', countArg = '10000'] = process.argv.slice(2)
if (root === undefined) throw new Error('usage: node bench/in-process.mjs BUILD_DIR [BATCH] [COUNT]')
const build = join(resolve(root), 'dist', 'src')
const { buildApp } = await import(join(build, 'app.js'))
// The settings moved to src/settings/ with issue 26; older builds have them at the top.
const { loadConfig } = await import(existsSync(join(build, 'settings', 'config.js')) ? join(build, 'settings', 'config.js') : join(build, 'config.js'))
const dir = mkdtempSync(join(tmpdir(), 'basic-admin-in-process-'))
const app = await buildApp({ config: loadConfig({ DATABASE_PATH: join(dir, 'bench.db'), JWT_SECRET: 'in-process-bench-secret-of-32-bytes-or-more', LOG_LEVEL: 'info' }), demo: true, logStream: { write () {} } })
try {
  await app.ready()
  const batch = Number(batchArg)
  const count = Number(countArg)
  let sent = 0
  const run = async (total) => {
    for (let i = 0; i < total; i += batch) {
      const answers = await Promise.all(Array.from({ length: batch }, () => {
        sent++
        // Half the bodies with roles, as the bench's goal scenario.
        const body = sent % 2 === 0 ? { label: `Label ${sent}`, roles: 'admin,read' } : { label: `Label ${sent}` }
        return app.inject({ method: 'PATCH', url: '/project/proj_demo/key/key_demo', headers: { authorization: 'Bearer basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem', 'content-type': 'application/json' }, payload: JSON.stringify(body) })
      }))
      const failed = answers.find(answer => answer.statusCode !== 200)
      if (failed !== undefined) throw new Error(`PATCH answered ${failed.statusCode}: ${failed.body}`)
    }
  }
  await run(count)
  const before = process.cpuUsage()
  const began = performance.now()
  await run(count)
  const cpu = process.cpuUsage(before)
  process.stdout.write(JSON.stringify({ us: (cpu.user + cpu.system) / count, wall: (performance.now() - began) * 1000 / count }) + '\n')
} finally {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
}
