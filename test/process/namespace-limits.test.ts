// Namespaces and the process's limits, on real servers: under a low `ulimit -n` the namespaces stop opening with a
// 400 naming the limit while the server keeps descriptors for its connections (before: at namespace 196 of
// `ulimit -n 1024` it answered 500 and clients got ECONNRESET); and one process per database serves namespaces.
import t from 'tap'
import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { ADMIN_TOKEN } from '../answers.js'
import { TEST_SECRET } from '../helper.js'
import { patience, until } from '../patience.js'
import { CLI, patch, startServer } from './harness.js'

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` }
const ns = (name: string): Record<string, string> => ({ 'x-mock-namespace': name })
const DESCRIPTORS = 256
/** The namespace database files a process holds open. */
const namespaceFiles = (pid: number): string[] => readdirSync(`/proc/${pid}/fd`).flatMap(fd => {
  try {
    const file = readlinkSync(`/proc/${pid}/fd/${fd}`)
    return file.includes('.namespaces/ns-') ? [file] : []
  } catch {
    return []
  }
})

t.test(`ulimit -n ${DESCRIPTORS} and NAMESPACE_LIMIT 1000: the namespaces past the room are a 400 naming the limit, and every connection is still served`, async t => {
  const dir = t.testdir()
  const env = { DATABASE_PATH: join(dir, 'db.sqlite'), JWT_SECRET: TEST_SECRET, ADMIN_TOKEN, NAMESPACE_LIMIT: '1000', LOG_LEVEL: 'warn' }
  const server = await startServer(t, env, ['/usr/bin/prlimit', `--nofile=${DESCRIPTORS}:${DESCRIPTORS}`, process.execPath, CLI])
  const pid = server.child.pid!
  const before = readdirSync(`/proc/${pid}/fd`).length
  let opened = 0
  let refusal: { status: number, body: unknown } | undefined
  for (let i = 0; i < 100 && refusal === undefined; i++) {
    const res = await fetch(`${server.url}/__admin/reset`, { method: 'POST', headers: { ...ADMIN, ...ns(`suite-${i}`) }, signal: AbortSignal.timeout(patience(1_000)) })
    const body = await res.json()
    if (res.status === 200) opened++
    else refusal = { status: res.status, body }
  }
  t.ok(opened > 0, `${opened} namespaces opened`)
  t.strictSame(refusal, {
    status: 400,
    body: { error: 'Bad Request', message: `X-Mock-Namespace "suite-${opened}": the process is near its limit of open files (ulimit -n: ${DESCRIPTORS}) with ${opened} namespaces open, 5 files each: drop one with DELETE /__admin/namespaces/{name}, raise ulimit -n, or lower NAMESPACE_LIMIT` }
  })
  // The checkpoint worker opens its two files of each namespace a moment later: the count is taken once it has.
  await until(`the ${opened} namespaces to hold ${opened * 5} files`, () => namespaceFiles(pid).length === opened * 5)
  const held = readdirSync(`/proc/${pid}/fd`).length
  t.ok(held <= DESCRIPTORS - 64, `${held} descriptors held, room left for connections`)
  t.comment(`descriptors per namespace: ${((held - before) / opened).toFixed(2)} (${before} before, ${held} with ${opened} namespaces)`)
  // 50 connections at once, each its own: none refused or reset.
  const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    const res = await fetch(`${server.url}/health`, { headers: { connection: 'close', ...(i % 2 === 0 ? ns(`suite-${i}`) : {}) }, signal: AbortSignal.timeout(patience(1_000)) })
    return res.status
  }))
  t.strictSame(answers, new Array(50).fill(200))
  // From here each request closes its connection: the room is counted in descriptors, and a keep-alive socket left
  // open by the client's pool would take the place of the dropped namespace's files.
  const close = { connection: 'close' }
  t.equal((await patch(server.url, 'proj_demo', 'key_demo', 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem', { label: 'Still served' }, close)).status, 200)
  t.equal((await patch(server.url, 'proj_demo', 'key_demo', 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem', { label: 'In an open one' }, { ...close, ...ns('suite-0') })).status, 200)
  t.equal((await fetch(`${server.url}/__admin/namespaces/suite-0`, { method: 'DELETE', headers: { ...ADMIN, ...close } })).status, 200)
  await until('the files of suite-0 to be closed', () => !namespaceFiles(pid).some(file => file.includes('/ns-suite-0.db')))
  const again = await fetch(`${server.url}/__admin/reset`, { method: 'POST', headers: { ...ADMIN, ...ns('suite-new') } })
  t.equal(again.status, 200, `room again once one is dropped: ${await again.text()}, ${readdirSync(`/proc/${pid}/fd`).length} fds`)
  t.notMatch(server.stderr(), /EMFILE|"level":50/, 'no error logged')
})

t.test('two processes on one database: the first to open a namespace serves them all, the other answers 400 until it stops', async t => {
  const dir = t.testdir()
  const env = { DATABASE_PATH: join(dir, 'shared.db'), JWT_SECRET: TEST_SECRET, ADMIN_TOKEN, LOG_LEVEL: 'warn' }
  const [a, b] = [await startServer(t, env), await startServer(t, env)]
  const demo = 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem'
  t.equal((await patch(a!.url, 'proj_demo', 'key_demo', demo, { label: 'In A' }, ns('suite'))).status, 200)
  const refused = await patch(b!.url, 'proj_demo', 'key_demo', demo, { label: 'In B' }, ns('suite'))
  t.equal(refused.status, 400)
  t.strictSame(refused.body, { error: 'Bad Request', message: `X-Mock-Namespace "suite": another process serves the namespaces of ${env.DATABASE_PATH} (it holds ${env.DATABASE_PATH}.namespaces/owner.lock): one process per database serves namespaces, so send namespaced requests to that one, or give this one another DATABASE_PATH` })
  t.equal((await patch(b!.url, 'proj_demo', 'key_demo', demo, { label: 'Default in B' })).status, 200, 'the default namespace is shared as ever')
  const drop = await fetch(`${b!.url}/__admin/namespaces/suite`, { method: 'DELETE', headers: ADMIN })
  t.equal(drop.status, 400, 'nor may it drop one')
  a!.child.kill('SIGTERM')
  t.equal((await a!.waitForExit()).code, 0)
  const now = await patch(b!.url, 'proj_demo', 'key_demo', demo, { label: 'In B now' }, ns('suite'))
  t.equal(now.status, 200, 'the lock is free once A is gone')
  t.equal((now.body as { key: { label: string } }).key.label, 'In B now')
})
