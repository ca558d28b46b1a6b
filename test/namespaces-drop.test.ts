// DELETE /__admin/namespaces/{name} under traffic: nothing acknowledged is written to files already deleted (the
// name opens again only once its files are gone), a request in flight in the dropped namespace gets the documented
// 400, and pipelined requests after a drop meet it done. Before: 360 acknowledged PATCHes gone after a restart,
// 500s for parked and fault-delayed requests, and 200, 200, 500, 500, 500 for PATCH, drop, GET, PATCH, GET.
import t from 'tap'
import { readdirSync, readlinkSync } from 'node:fs'
import { ADMIN_TOKEN } from './answers.js'
import { buildApp } from '../src/app.js'
import { bearer, FIXTURE, SECRETS } from './helper.js'
import { patience, until } from './patience.js'
import { Connection, listen, requestBytes } from './wire.js'

const ADMIN = bearer(ADMIN_TOKEN)
const KEY = { ...bearer(SECRETS.key_admin), 'content-type': 'application/json' }
const ns = (name: string): Record<string, string> => ({ 'x-mock-namespace': name })
const dropped = (name: string) => ({ error: 'Bad Request', message: `X-Mock-Namespace ${JSON.stringify(name)} was dropped while this request was in flight: nothing of it was done; send it again to act on the namespace as it is now` })

/** The descriptors of this process on a deleted namespace file. */
const onDeletedFiles = (): string[] => readdirSync('/proc/self/fd').flatMap(fd => {
  try {
    const target = readlinkSync(`/proc/self/fd/${fd}`)
    return target.includes('.namespaces/ns-') && target.endsWith('(deleted)') ? [target] : []
  } catch {
    return []
  }
})

t.test('a drop racing 40 PATCHes, the checkpoint worker busy with 20 other namespaces: nothing acknowledged is lost, none is a 500', async t => {
  const { url, app, config } = await listen(t, { config: { ADMIN_TOKEN } })
  const call = async (method: string, path: string, headers: Record<string, string>, body?: object) => {
    const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, body: await res.json() }
  }
  let busy = true
  const others = Array.from({ length: 20 }, async (_, i) => {
    for (let n = 0; ; n++) {
      if (!busy) return
      await call('PATCH', '/project/proj_one/key/key_read', { ...KEY, ...ns(`busy-${i}`) }, { label: `busy ${n}` })
    }
  })
  const statuses = new Map<number, number>()
  let label = ''
  for (let round = 0; round < 5; round++) {
    t.equal((await call('PATCH', '/project/proj_one/key/key_read', { ...KEY, ...ns('target') }, { label: `open ${round}` })).status, 200)
    const patches = Array.from({ length: 40 }, async (_, i) => {
      const answer = await call('PATCH', '/project/proj_one/key/key_read', { ...KEY, ...ns('target') }, { label: `round ${round} patch ${i}` })
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
      if (answer.status !== 200) t.strictSame(answer.body, dropped('target'), 'the in-flight answer')
    })
    const drop = call('DELETE', '/__admin/namespaces/target', ADMIN)
    await Promise.all(patches)
    t.strictSame((await drop).body, { dropped: 'target' })
    label = (await call('GET', '/project/proj_one/key/key_read', { ...KEY, ...ns('target') })).body.key.label
    t.strictSame(onDeletedFiles(), [], `round ${round}: no descriptor on a deleted file`)
  }
  busy = false
  await Promise.all(others)
  t.strictSame([...statuses.keys()].filter(status => status !== 200 && status !== 400), [], `only 200 and 400: ${JSON.stringify([...statuses])}`)
  await app.close()
  const again = await buildApp({ config, fixture: FIXTURE, logger: false })
  t.teardown(() => again.close())
  const after = await again.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: { ...KEY, ...ns('target') } })
  t.equal(after.json().key.label, label, 'after a restart the namespace holds what it answered before')
})

t.test('a PATCH parked on its body, and one delayed by a fault rule, while their namespace is dropped: the documented 400', async t => {
  const { port, url, app } = await listen(t, { config: { ADMIN_TOKEN } })
  for (const name of ['parked', 'delayed']) t.equal((await fetch(`${url}/project/proj_one/key`, { headers: { ...KEY, ...ns(name) } })).status, 200)
  const body = '{"label":"Parked"}'
  const connection = await Connection.open(t, port)
  const arrived = new Promise(resolve => app.server.once('request', resolve))
  await connection.write(requestBytes('PATCH', '/project/proj_one/key/key_read', { ...KEY, ...ns('parked'), 'content-length': String(body.length) }).concat(body.slice(0, 5)))
  await arrived
  t.strictSame(await (await fetch(`${url}/__admin/namespaces/parked`, { method: 'DELETE', headers: ADMIN })).json(), { dropped: 'parked' })
  await connection.write(body.slice(5))
  const [parked] = await connection.read(1, 'the parked PATCH\'s answer')
  t.equal(parked!.status, 400)
  t.strictSame(JSON.parse(parked!.body), dropped('parked'))

  // Long enough for the drop to happen inside it on a busy machine; the test waits for it to run out.
  const delay = Math.min(60_000, patience(200))
  t.equal((await fetch(`${url}/__admin/faults`, { method: 'POST', headers: { ...ADMIN, ...ns('delayed'), 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'updateApiKey', delay }) })).status, 200)
  const delayed = fetch(`${url}/project/proj_one/key/key_read`, { method: 'PATCH', headers: { ...KEY, ...ns('delayed') }, body })
  await until('the PATCH to meet its delay', () => app.namespaces.find('delayed')?.faults.list()[0]?.hits === 1)
  t.strictSame(await (await fetch(`${url}/__admin/namespaces/delayed`, { method: 'DELETE', headers: ADMIN })).json(), { dropped: 'delayed' })
  const answer = await delayed
  t.equal(answer.status, 400)
  t.strictSame(await answer.json(), dropped('delayed'))
  const fresh = await fetch(`${url}/project/proj_one/key/key_read`, { method: 'PATCH', headers: { ...KEY, ...ns('delayed') }, body })
  t.equal(fresh.status, 200, 'the name opens again from the seed, without the rule')
  t.equal(fresh.headers.get('x-mock-fault'), null)
})

t.test('PATCH, drop, GET, PATCH, GET pipelined on one connection: each acts in turn, the GET after the drop on the fresh seed', async t => {
  const { port } = await listen(t, { config: { ADMIN_TOKEN } })
  const here = { ...KEY, ...ns('piped') }
  const connection = await Connection.open(t, port)
  await connection.write([
    requestBytes('PATCH', '/project/proj_one/key/key_read', here, '{"label":"Before the drop"}'),
    requestBytes('DELETE', '/__admin/namespaces/piped', ADMIN),
    requestBytes('GET', '/project/proj_one/key/key_read', here),
    requestBytes('PATCH', '/project/proj_one/key/key_read', here, '{"label":"After the drop"}'),
    requestBytes('GET', '/project/proj_one/key/key_read', here)
  ].join(''))
  const answers = await connection.read(5, '5 pipelined answers')
  t.strictSame(answers.map(answer => answer.status), [200, 200, 200, 200, 200])
  t.strictSame(JSON.parse(answers[1]!.body), { dropped: 'piped' })
  t.equal(JSON.parse(answers[2]!.body).key.label, 'Read key', 'the seed again')
  t.equal(JSON.parse(answers[4]!.body).key.label, 'After the drop')
})
