// The journal keeps what it is sent, bounded by bytes as well as by count, per namespace and for the whole server:
// 1,000 requests of 16 KiB of `{}` from a stranger once held 366 KiB each (a parsed, redacted copy), 457 MB in all.
import t from 'tap'
import { ADMIN, ADMIN_TOKEN } from './helper.js'
import { bearer, SECRETS, userToken } from '../../helper.js'
import { listen } from '../../wire.js'

const ns = (name: string): Record<string, string> => ({ 'x-mock-namespace': name })
// The body: one array of empty objects, 16 KiB of JSON.
const HOSTILE = `{"a":[${new Array(5400).fill('{}').join(',')}]}`

async function post (url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
  await res.arrayBuffer()
  return res.status
}

async function journalOf (url: string, headers: Record<string, string> = {}): Promise<Array<{ body: unknown, path: string, request_id: string }>> {
  const res = await fetch(`${url}/__admin/requests`, { headers: { ...ADMIN, ...headers } })
  return (await res.json()).requests
}

t.test('a stranger\'s 16 KiB bodies are kept as about what was sent, and JOURNAL_BYTES bounds them however many come', async t => {
  const { url, app } = await listen(t, { config: { ADMIN_TOKEN, JOURNAL_BYTES: 65_536 } })
  for (let i = 0; i < 40; i++) t.equal(await post(url, '/no/such/route', HOSTILE), 404)
  const kept = app.world.journal.snapshot()
  t.ok(kept.length >= 3 && kept.length <= 4, `65,536 bytes keep 3 or 4 such requests (kept ${kept.length})`)
  t.ok(app.world.journal.bytes() <= 65_536, `the journal holds ${app.world.journal.bytes()} bytes`)
  for (const entry of kept) t.ok(entry.bytes < HOSTILE.length + 1024, `one entry counts ${entry.bytes} bytes for ${HOSTILE.length} sent`)
  const read = await journalOf(url)
  t.equal(read.length, kept.length)
  t.strictSame(read.at(-1)!.body, JSON.parse(HOSTILE), 'read back as the body that was sent')
})

t.test('JOURNAL_TOTAL_BYTES bounds every namespace\'s journal together: a flood into one pushes out its own requests first', async t => {
  const { url, app } = await listen(t, { config: { ADMIN_TOKEN, JOURNAL_BYTES: 1_048_576, JOURNAL_TOTAL_BYTES: 131_072 } })
  const key = bearer(SECRETS.key_admin)
  for (const name of ['quiet', 'flooded']) t.equal((await fetch(`${url}/project/proj_one/key`, { headers: { ...key, ...ns(name), 'x-request-id': `first-in-${name}` } })).status, 200)
  for (let i = 0; i < 30; i++) t.equal(await post(url, '/no/such/route', HOSTILE, ns('flooded')), 404)
  const total = app.namespaces.list().reduce((sum, { world }) => sum + world.journal.bytes(), 0)
  t.ok(total <= 131_072, `all journals together hold ${total} bytes`)
  t.strictSame((await journalOf(url, ns('quiet'))).map(entry => entry.request_id), ['first-in-quiet'], 'the quiet namespace keeps its request')
  t.notOk((await journalOf(url, ns('flooded'))).some(entry => entry.request_id === 'first-in-flooded'), 'the flooded one lost its oldest')
})

t.test('the kept text hides every credential, wherever the body holds it, the admin token\'s JSON escapes too', async t => {
  const token = 'admin"token\\with-quotes-0123'
  const { url } = await listen(t, { config: { ADMIN_TOKEN: token } })
  const jwt = await userToken('user_owner')
  const body = JSON.stringify({ a: [{ key: SECRETS.key_admin }, { [jwt]: 1 }, `before ${jwt} after`, token, { deep: [[[`x${SECRETS.key_read}`]]] }], pad: 'p'.repeat(8000) })
  t.equal(await post(url, '/no/such/route', body), 404)
  t.equal(await post(url, '/project/proj_one/key', body, bearer(SECRETS.key_admin)), 400)
  const res = await fetch(`${url}/__admin/requests`, { headers: bearer(token) })
  const text = await res.text()
  for (const secret of [SECRETS.key_admin, SECRETS.key_read, jwt, jwt.split('.').slice(0, 2).join('.'), token, JSON.stringify(token).slice(1, -1)]) {
    t.notOk(text.includes(secret), `not journaled: ${secret.slice(0, 14)}...`)
  }
  const entries = JSON.parse(text).requests as Array<{ body: { a: unknown[] } }>
  t.equal(entries.length, 2)
  for (const entry of entries) t.strictSame(entry.body.a, [{ key: '[redacted]' }, { '[redacted]': 1 }, '[redacted]', '[redacted]', { deep: [[['[redacted]']]] }])
})
