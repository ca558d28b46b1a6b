// CLOCK: the same requests give the same bodies, in two fresh servers and after a reset; without it, real time.
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, patchKey, SECRETS, userToken } from './helper.js'

const CLOCK = '2030-01-01T00:00:00.000Z'
const START = Date.parse(CLOCK)
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'
const at = (ms: number): string => new Date(START + ms).toISOString()
// One RS256 key file for the apps that need not make their own (about 200 ms each); the reset tests still make theirs.
const KEY_FILE = join(t.testdir(), 'signing.pem')
writeFileSync(KEY_FILE, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }))

/** One run of a fixed sequence: PATCHes by an API key, an HS256 user, an RS256 user minted by the server, failures, then the list. */
async function run (app: FastifyInstance): Promise<string[]> {
  const key = bearer(SECRETS.key_admin)
  const owner = bearer(await userToken('user_owner'))
  const bodies: string[] = []
  const patch = async (id: string, body: object, headers: Record<string, string>, status = 200) => {
    const res = await patchKey(app, 'proj_one', id, body, headers)
    if (res.statusCode !== status) throw new Error(`PATCH ${id}: ${res.statusCode} ${res.body}`)
    bodies.push(res.body)
  }
  await patch('key_read', { label: 'By key' }, key)
  await patch('key_read', { roles: 'read,write' }, owner)
  const minted = await app.inject({ method: 'POST', url: '/__admin/tokens', headers: bearer(ADMIN_TOKEN), payload: { user: 'user_admin', alg: 'RS256' } })
  const rs256 = bearer(minted.json().token)
  await patch('key_read', { label: 'By RS256' }, rs256)
  await patch('key_admin', { label: 'Itself' }, key)
  // Refused before the store, they read no time; the 404 does (its UPDATE reads the clock, then finds no row).
  await patch('key_read', { label: '' }, owner, 400)
  await patch('key_read', { label: 'x' }, bearer(await userToken('user_member')), 401)
  await patch('key_gone', { label: 'x' }, key, 404)
  await patch('key_read', { label: 'Twice', roles: 'read' }, owner)
  await patch('key_read', { label: 'Twice', roles: 'read' }, owner)
  const list = await app.inject({ method: 'GET', url: '/project/proj_one/key', headers: owner })
  bodies.push(list.body)
  return bodies
}

// What the run answers when the seed is written at the CLOCK instant and each write takes the next millisecond.
const EXPECTED = [
  { key: { id: 'key_read', label: 'By key', roles: 'read,app:db:read', updated_at: at(1) } }, // last_used of key_admin: 2
  { key: { id: 'key_read', label: 'By key', roles: 'read,write', updated_at: at(3) } },
  { key: { id: 'key_read', label: 'By RS256', roles: 'read,write', updated_at: at(4) } },
  { key: { id: 'key_admin', label: 'Itself', roles: 'admin', updated_at: at(5) } }, // last_used: 6
  { error: 'Bad Request', message: 'label must not be empty or only whitespace' },
  { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' },
  { error: 'API key not found' }, // 7
  { key: { id: 'key_read', label: 'Twice', roles: 'read', updated_at: at(8) } },
  { key: { id: 'key_read', label: 'Twice', roles: 'read', updated_at: at(9) } },
  {
    data: [
      { id: 'key_admin', label: 'Itself', roles: 'admin', is_private: true, last_used: at(6), created_at: at(0) },
      { id: 'key_read', label: 'Twice', roles: 'read', is_private: true, last_used: null, created_at: at(0) }
    ]
  }
]

t.test('two fresh servers with the same CLOCK answer the same sequence with identical bodies, one millisecond per write from the CLOCK instant', async t => {
  const first = await build(t, { config: { CLOCK, ADMIN_TOKEN, JWT_PRIVATE_KEY_FILE: KEY_FILE } })
  const second = await build(t, { config: { CLOCK, ADMIN_TOKEN, JWT_PRIVATE_KEY_FILE: KEY_FILE } })
  const a = await run(first.app)
  const b = await run(second.app)
  t.strictSame(b, a, 'byte for byte')
  t.strictSame(a.map(body => JSON.parse(body)), EXPECTED)
})

t.test('a reset rewinds the clock: the same sequence after it gives the same bodies as on a fresh server', async t => {
  const { app } = await build(t, { config: { CLOCK, ADMIN_TOKEN } })
  const fresh = await run(app)
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'POST', url: '/__admin/reset', headers: bearer(ADMIN_TOKEN) })
    t.equal(res.statusCode, 200)
    t.strictSame(await run(app), fresh, `after reset ${i + 1}`)
  }
})

t.test('a server restarted on the same database and reset answers as a fresh one', async t => {
  const { app, config } = await build(t, { config: { CLOCK, ADMIN_TOKEN } })
  const fresh = await run(app)
  await app.close()
  const again = await build(t, { config })
  t.equal((await again.app.inject({ method: 'POST', url: '/__admin/reset', headers: bearer(ADMIN_TOKEN) })).statusCode, 200)
  t.strictSame(await run(again.app), fresh)
})

t.test('another CLOCK instant shifts every time by the difference and nothing else', async t => {
  const { app } = await build(t, { config: { CLOCK, ADMIN_TOKEN, JWT_PRIVATE_KEY_FILE: KEY_FILE } })
  const later = await build(t, { config: { CLOCK: '2031-06-15T12:30:00.000+02:00', ADMIN_TOKEN, JWT_PRIVATE_KEY_FILE: KEY_FILE } })
  const shift = Date.parse('2031-06-15T10:30:00.000Z') - START
  const moved = (await run(app)).map(body => body.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, iso => new Date(Date.parse(iso) + shift).toISOString()))
  t.strictSame(await run(later.app), moved)
})

t.test('without CLOCK, times are the real time and still move forward on every write', async t => {
  const { app } = await build(t)
  const key = bearer(SECRETS.key_admin)
  const before = Date.now()
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: `n${i}` }, key)
    times.push(Date.parse(res.json().key.updated_at))
  }
  const after = Date.now()
  t.ok(times.every(time => time >= before && time <= after + 5), `${times.map(at => at - before).join(', ')} ms after the start`)
  t.ok(times.every((time, i) => i === 0 || time > times[i - 1]!), 'strictly forward')
  t.ok(Math.abs(times[0]! - START) > 1000, 'not the CLOCK instant')
})
