// X-Mock-Namespace (README "Parallel suites"): each name an isolated world created from the seed on first use, its own
// data, credentials, journal, clock and control plane; without the header, the default namespace as before.
import t from 'tap'
import { statSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { INVALID, NOT_FOUND, ADMIN_TOKEN, fixed } from './answers.js'
import { buildApp } from '../src/app.js'
import { bearer, build, FIXTURE, patchKey, SECRETS, testConfig, userToken } from './helper.js'
import { listen } from './wire.js'
import { until } from './patience.js'
import { FILL_BYTES, walOnly } from './db/wal-only.js'

const ADMIN = bearer(ADMIN_TOKEN)
const ns = (name: string): Record<string, string> => ({ 'x-mock-namespace': name })
const BAD_REQUEST = { error: 'Bad Request' }

t.test('a namespace starts as the seed and its writes stay in it', async t => {
  const { app, row } = await build(t)
  const key = bearer(SECRETS.key_admin)
  const inA = await patchKey(app, 'proj_one', 'key_read', { label: 'In A' }, { ...key, ...ns('team-a') })
  t.equal(inA.statusCode, 200)
  t.equal(inA.json().key.label, 'In A')
  const get = async (headers: Record<string, string>) => (await app.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: { ...key, ...headers } })).json().key.label
  t.equal(await get(ns('team-a')), 'In A')
  t.equal(await get(ns('team-b')), 'Read key', 'another namespace starts from the seed')
  t.equal(await get({}), 'Read key', 'the default namespace is untouched')
  t.equal(row('key_read')?.label, 'Read key', 'and so is its database')
  t.equal(await get(ns('default')), 'Read key', '"default" names the default namespace')
})

t.test('credentials are the namespace\'s own: a key made in one is unknown in another', async t => {
  const { app } = await build(t)
  const owner = bearer(await userToken('user_owner'))
  const made = await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: { ...owner, ...ns('made-here') }, payload: { label: 'Local', roles: 'admin' } })
  t.equal(made.statusCode, 200)
  const secret = made.json().key.value as string
  const here = await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(secret), ...ns('made-here') } })
  t.equal(here.statusCode, 200)
  t.same(fixed(await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: bearer(secret) })), INVALID, 'unknown in the default namespace')
  t.same(fixed(await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(secret), ...ns('elsewhere') } })), INVALID)
  // A user of one namespace's data only: a token for a user a fixture added to one namespace sees nothing elsewhere.
  const loaded = await build(t, { config: { ADMIN_TOKEN } })
  t.strictSame((await loaded.app.inject({ method: 'POST', url: '/__admin/fixtures', headers: { ...ADMIN, ...ns('with-extra') }, payload: { users: [{ id: 'user_extra', email: 'e@example.com' }], projects: [{ id: 'proj_extra', name: 'E', members: [{ user: 'user_extra', role: 'owner' }] }] } })).json(), { created: 3 })
  const extra = bearer(await userToken('user_extra'))
  t.equal((await loaded.app.inject({ method: 'GET', url: '/project/proj_extra/key', headers: { ...extra, ...ns('with-extra') } })).statusCode, 200)
  t.same(fixed(await loaded.app.inject({ method: 'GET', url: '/project/proj_extra/key', headers: extra })), NOT_FOUND)
})

t.test('a name outside [A-Za-z0-9_.-]{1,64} is the contract\'s 400 naming the header, and changes nothing', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  for (const name of ['', 'a b', 'ü', 'a/b', 'x'.repeat(65), 'a,b']) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, { ...bearer(SECRETS.key_admin), ...ns(name) })
    t.equal(res.statusCode, 400, JSON.stringify(name))
    t.match(res.json(), { ...BAD_REQUEST, message: /^X-Mock-Namespace must be 1 to 64 characters of A-Z a-z 0-9 _ \. - \(got / }, JSON.stringify(name))
  }
  const listed = (await app.inject({ method: 'GET', url: '/__admin/namespaces', headers: ADMIN })).json().namespaces
  t.same(listed.map((n: { name: string }) => n.name), ['default'], 'none was created')
  t.equal((await app.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: bearer(SECRETS.key_admin) })).json().key.label, 'Read key')
})

t.test('NAMESPACE_LIMIT: past it, a new name is a 400 saying how to make room; known names still work', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN, NAMESPACE_LIMIT: 2 } })
  const list = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...bearer(SECRETS.key_admin), ...headers } })
  t.equal((await list(ns('one'))).statusCode, 200)
  t.equal((await list(ns('two'))).statusCode, 200)
  const third = await list(ns('three'))
  t.equal(third.statusCode, 400)
  t.strictSame(third.json(), { ...BAD_REQUEST, message: 'X-Mock-Namespace "three": the server holds 2 namespaces (NAMESPACE_LIMIT), open or on disk: drop one with DELETE /__admin/namespaces/{name}' })
  t.equal((await list(ns('one'))).statusCode, 200)
  t.equal((await list({})).statusCode, 200, 'the default namespace does not count')
  t.strictSame((await app.inject({ method: 'DELETE', url: '/__admin/namespaces/two', headers: ADMIN })).json(), { dropped: 'two' })
  t.equal((await list(ns('three'))).statusCode, 200, 'room again once one is dropped')
})

t.test('the control plane acts on the namespace its request names', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN, CLOCK: '2030-01-01T00:00:00.000Z' } })
  const key = bearer(SECRETS.key_admin)
  for (const name of ['a', 'b']) t.equal((await patchKey(app, 'proj_one', 'key_read', { label: `Changed in ${name}` }, { ...key, ...ns(name), 'x-request-id': `in-${name}` })).statusCode, 200)
  const labelIn = async (name: string) => (await app.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: { ...key, ...ns(name) } })).json().key.label

  t.strictSame((await app.inject({ method: 'POST', url: '/__admin/reset', headers: { ...ADMIN, ...ns('a') } })).json(), { created: 14 })
  t.equal(await labelIn('a'), 'Read key', 'a is back at its seed')
  t.equal(await labelIn('b'), 'Changed in b', 'b is not')

  const journalOf = async (name: string) => (await app.inject({ method: 'GET', url: '/__admin/requests', headers: { ...ADMIN, ...ns(name) } })).json().requests.map((e: { request_id: string }) => e.request_id)
  t.same((await journalOf('b')).filter((id: string) => id.startsWith('in-')), ['in-b'], 'each namespace journals its own requests')
  t.same(await journalOf('default'), [], 'the default namespace saw none')

  // CLOCK: each namespace's clock starts at the instant, so the same first write gets the same time everywhere.
  const first = async (name: string) => (await patchKey(app, 'proj_one', 'key_admin', { label: 'First' }, { ...key, ...ns(name) })).json().key.updated_at
  t.equal(await first('c'), await first('d'), 'two fresh namespaces, the same time for the same first write')
})

t.test('GET /__admin/namespaces counts each one\'s rows; DELETE drops one, which comes back from the seed on its next use', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN } })
  const owner = bearer(await userToken('user_owner'))
  t.equal((await app.inject({ method: 'POST', url: '/project/proj_one/key', headers: { ...owner, ...ns('busy') }, payload: { label: 'Extra', roles: 'read' } })).statusCode, 200)
  const listed = (await app.inject({ method: 'GET', url: '/__admin/namespaces', headers: ADMIN })).json()
  t.strictSame(listed, {
    namespaces: [
      { name: 'default', users: 4, projects: 2, keys: 4, requests: 0 },
      { name: 'busy', users: 4, projects: 2, keys: 5, requests: 1 }
    ]
  })
  t.strictSame((await app.inject({ method: 'DELETE', url: '/__admin/namespaces/busy', headers: ADMIN })).json(), { dropped: 'busy' })
  t.same((await app.inject({ method: 'DELETE', url: '/__admin/namespaces/busy', headers: ADMIN })).json(), { error: 'Not Found', message: 'No namespace "busy"' })
  t.same((await app.inject({ method: 'DELETE', url: '/__admin/namespaces/default', headers: ADMIN })).json(), { ...BAD_REQUEST, message: 'The default namespace cannot be dropped: reset it with POST /__admin/reset' })
  const again = await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: { ...owner, ...ns('busy') } })
  t.equal(again.json().data.length, 2, 'recreated from the seed: the extra key is gone')
})

t.test('a namespace of a file database survives a restart', async t => {
  const config = testConfig(t.testdir())
  const first = await buildApp({ config, fixture: FIXTURE, logger: false })
  t.equal((await patchKey(first, 'proj_one', 'key_read', { label: 'Kept' }, { ...bearer(SECRETS.key_admin), ...ns('kept') })).statusCode, 200)
  await first.close()
  const second = await buildApp({ config, fixture: FIXTURE, logger: false })
  t.teardown(() => second.close())
  const res = await second.inject({ method: 'GET', url: '/project/proj_one/key/key_read', headers: { ...bearer(SECRETS.key_admin), ...ns('kept') } })
  t.equal(res.json().key.label, 'Kept')
})

t.test('8 parallel workers over a real listener, each resetting and writing in its own namespace, see only their own writes', async t => {
  const { port } = await listen(t, { config: { ADMIN_TOKEN } })
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  t.teardown(() => agent.destroy())
  const send = (method: string, path: string, headers: Record<string, string>, body?: object) => new Promise<{ status: number, json: any }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
  const crossTalk: string[] = []
  const worker = async (w: number): Promise<void> => {
    const here = ns(`worker-${w}`)
    const key = { ...bearer(SECRETS.key_admin), ...here }
    for (let round = 0; round < 5; round++) {
      const reset = await send('POST', '/__admin/reset', { ...ADMIN, ...here })
      if (reset.status !== 200) crossTalk.push(`worker ${w}: reset answered ${reset.status}`)
      const seed = await send('GET', '/project/proj_one/key', key)
      if (seed.json.data.length !== 2) crossTalk.push(`worker ${w} round ${round}: ${seed.json.data.length} keys after its own reset`)
      for (let i = 0; i < 4; i++) {
        const label = `w${w}-r${round}-${i}`
        const made = await send('POST', '/project/proj_one/key', key, { label, roles: 'read' })
        if (made.status !== 200) crossTalk.push(`worker ${w}: create answered ${made.status}`)
        const patched = await send('PATCH', '/project/proj_one/key/key_read', key, { label })
        if (patched.json.key?.label !== label) crossTalk.push(`worker ${w}: PATCH answered ${JSON.stringify(patched.json)}`)
      }
      const listed = await send('GET', '/project/proj_one/key', key)
      const labels = listed.json.data.map((k: { label: string }) => k.label).sort()
      const own = [`w${w}-r${round}-3`, 'Admin key', ...[0, 1, 2, 3].map(i => `w${w}-r${round}-${i}`)].sort()
      if (JSON.stringify(labels) !== JSON.stringify(own)) crossTalk.push(`worker ${w} round ${round}: sees ${labels.join(', ')}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)))
  t.same(crossTalk, [], 'no worker saw another\'s reset or writes')
  const counts = await send('GET', '/__admin/namespaces', ADMIN)
  t.same(counts.json.namespaces.map((n: { name: string, keys: number }) => [n.name, n.keys]), [['default', 4], ...Array.from({ length: 8 }, (_, w) => [`worker-${w}`, 8])])
})

// SQLite's own checkpoint (every 1,000 -wal pages, on the event loop) stalled a namespace's requests 10 ms at a time:
// its p99 at 10 connections was 3.7 times the ceiling's, against 1.6 outside a namespace (docs/performance.md).
t.test('a listening server checkpoints each namespace\'s database from its worker thread, as the default one\'s', async t => {
  const { app, url } = await listen(t, { config: { ADMIN_TOKEN } })
  const open = async (name: string): Promise<number> => (await fetch(`${url}/project/proj_one/key`, { headers: { ...bearer(SECRETS.key_admin), ...ns(name) } })).status
  t.equal(await open('ck'), 200)
  const world = app.namespaces.find('ck')!
  t.equal(world.db.pragma('wal_autocheckpoint', { simple: true }), 4000, 'the backstop of a small database, not SQLite\'s 1,000 pages')
  // From here the writer never checkpoints: only the worker can move pages into the file.
  const { before, fill } = walOnly(world.db, world.path)
  fill()
  await until('the namespace\'s database file to grow by 200 rows of 3,000 bytes', () => statSync(world.path).size >= before + FILL_BYTES)

  // Dropped, its files go; used again, it comes back from the seed and is checkpointed again.
  t.equal((await fetch(`${url}/__admin/namespaces/ck`, { method: 'DELETE', headers: ADMIN })).status, 200)
  t.throws(() => statSync(world.path), { code: 'ENOENT' })
  t.equal(await open('ck'), 200)
  t.equal(app.namespaces.find('ck')!.db.pragma('wal_autocheckpoint', { simple: true }), 4000)
})
