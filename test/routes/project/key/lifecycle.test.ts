// A key's whole life as one story over a real listener and fetch: what a client of the mock actually goes through.
import t from 'tap'
import { bearer, build, userToken } from '../../../helper.js'
import { INVALID, ISO_MS, NEW_SECRET, NOT_FOUND } from './operations.js'

t.test('create, use, list, patch, regenerate, verify and delete one key over HTTP', async t => {
  const clock = { now: () => Date.parse('2026-07-01T00:00:00.000Z') }
  const { app, row } = await build(t, { clock })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const base = `http://127.0.0.1:${address.port}/project/proj_one/key`
  const owner = bearer(await userToken('user_owner'))

  /** One request and its parsed answer; a body is sent as JSON. */
  async function send (method: string, path: string, headers: Record<string, string>, body?: object) {
    const res = await fetch(`${base}${path}`, {
      method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    t.equal(res.headers.get('content-type'), 'application/json', `${method} ${path}: JSON`)
    return { status: res.status, challenge: res.headers.get('www-authenticate'), json: await res.json() as Record<string, any> }
  }

  clock.now = () => Date.parse('2026-07-01T10:00:00.000Z')
  const created = await send('POST', '', owner, { label: 'Deploy bot', roles: 'admin, deploy' })
  t.equal(created.status, 200, 'create')
  const { id, value: first } = created.json.key
  t.match(first, NEW_SECRET)
  t.strictSame(created.json, { key: { id, label: 'Deploy bot', roles: 'admin,deploy', value: first, created_at: '2026-07-01T10:00:00.000Z' } })

  const listed = async (): Promise<Record<string, unknown>> => (await send('GET', '', owner)).json.data.find((key: { id: string }) => key.id === id)
  t.equal((await listed()).last_used, null, 'a new key was never used')

  clock.now = () => Date.parse('2026-07-01T10:05:00.000Z')
  const used = await send('GET', `/${id}`, bearer(first))
  t.equal(used.status, 200, 'the secret works as a bearer at once')
  t.strictSame(used.json, { key: { id, label: 'Deploy bot', roles: 'admin,deploy', created_at: '2026-07-01T10:00:00.000Z' } })
  t.strictSame(await listed(), { id, label: 'Deploy bot', roles: 'admin,deploy', is_private: true, last_used: '2026-07-01T10:05:00.000Z', created_at: '2026-07-01T10:00:00.000Z' },
    'the list shows when it was used')

  clock.now = () => Date.parse('2026-07-01T10:10:00.000Z')
  const patched = await send('PATCH', `/${id}`, bearer(first), { label: 'Deploy bot v2', roles: 'admin' })
  t.strictSame(patched.json, { key: { id, label: 'Deploy bot v2', roles: 'admin', updated_at: '2026-07-01T10:10:00.000Z' } })
  t.equal((await listed()).last_used, '2026-07-01T10:10:00.000Z', 'the latest use')

  clock.now = () => Date.parse('2026-07-01T10:15:00.000Z')
  const regenerated = await send('POST', `/${id}/regenerate`, owner)
  t.equal(regenerated.status, 200, 'regenerate')
  const second: string = regenerated.json.key.value
  t.match(second, NEW_SECRET)
  t.not(second, first)
  t.strictSame(regenerated.json, { key: { id, label: 'Deploy bot v2', roles: 'admin', value: second, is_private: true, created_at: '2026-07-01T10:00:00.000Z' } })

  const old = await send('GET', '', bearer(first))
  t.equal(old.status, 401, 'the old secret is refused on the very next request')
  t.strictSame(old.json, INVALID.body)
  t.equal(old.challenge, INVALID.challenge)
  t.equal((await send('GET', '', bearer(second))).status, 200, 'the new one works')

  t.strictSame((await send('POST', '/verify', owner, { key: first })).json, { is_valid: false }, 'verify: the old secret is dead')
  t.strictSame((await send('POST', '/verify', owner, { key: second, key_id: id })).json,
    { is_valid: true, key: { id, label: 'Deploy bot v2', roles: 'admin', created_at: '2026-07-01T10:00:00.000Z' } }, 'verify: the new one is live')

  const deleted = await send('DELETE', `/${id}`, bearer(second))
  t.strictSame([deleted.status, deleted.json], [200, { message: 'API key deleted' }], 'the key deletes itself')
  t.equal(row(id), undefined, 'gone from the database')
  for (const [method, path, body] of [['GET', `/${id}`], ['PATCH', `/${id}`, { label: 'x' }], ['DELETE', `/${id}`], ['POST', `/${id}/regenerate`]] as const) {
    const res = await send(method, path, owner, body)
    t.strictSame([res.status, res.json], [404, NOT_FOUND.body], `${method} after delete`)
  }
  const dead = await send('GET', '', bearer(second))
  t.strictSame([dead.status, dead.json, dead.challenge], [401, INVALID.body, INVALID.challenge], 'its secret is an invalid token')
  t.strictSame((await send('POST', '/verify', owner, { key: second })).json, { is_valid: false })
  t.notOk((await send('GET', '', owner)).json.data.some((key: { id: string }) => key.id === id), 'and it is not listed')
  t.match(created.json.key.created_at, ISO_MS)
})
