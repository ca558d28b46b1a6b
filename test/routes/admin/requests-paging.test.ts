// GET /__admin/requests in pages (limit, after, next), and journal queries linear and bounded: a glob over hostile
// 15 KiB paths took 68 ms per entry (a backtracking expression), /health waiting behind it; JOURNAL_SIZE=100000
// answered 500 past 40,000 entries (one string too long to make).
import t from 'tap'
import { ADMIN, ADMIN_TOKEN } from './helper.js'
import { globMatcher } from '../../../src/domain/glob.js'
import { countRequestsSliced } from '../../../src/operations/requests.js'
import { OPERATION_IDS } from '../../../src/plugins/coverage.js'
import { build } from '../../helper.js'
import { patience } from '../../patience.js'
import { listen } from '../../wire.js'

const get = async (url: string, path: string) => {
  const res = await fetch(url + path, { headers: ADMIN, signal: AbortSignal.timeout(patience(500)) })
  return { status: res.status, body: await res.json() }
}

t.test('the glob matcher answers as the anchored expression it replaces, on every small case', async t => {
  const alphabet = ['a', '/', 'ab', 'b/']
  const texts = ['']
  for (let length = 0; length < 4; length++) for (const text of [...texts]) for (const piece of alphabet) texts.push(text + piece)
  const patterns = ['*', 'a*', '*a', 'a*b', '*/*', 'a*/*b', '**', '*a*a*', '/*/', 'ab', '']
  let compared = 0
  for (const pattern of patterns) {
    const expression = new RegExp(`^${pattern.split('*').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's')
    const matches = globMatcher(pattern)
    for (const text of texts) {
      if (matches(text) !== expression.test(text)) t.fail(`${JSON.stringify(pattern)} on ${JSON.stringify(text)}`)
      compared++
    }
  }
  t.pass(`${compared} cases agree`)
})

t.test('a glob over 150 hostile 15 KiB paths answers at once, and so does /health beside it', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const path = '/project/' + 'a/key/'.repeat(2600) + 'x'
  for (let i = 0; i < 150; i += 10) await Promise.all(Array.from({ length: 10 }, async () => { await (await fetch(url + path)).arrayBuffer() }))
  const [count, health] = await Promise.all([
    get(url, '/__admin/requests/count?path=/project/*/key/*/regenerate'),
    fetch(`${url}/health`, { signal: AbortSignal.timeout(patience(500)) }).then(res => res.status)
  ])
  t.strictSame(count, { status: 200, body: { count: 0 } })
  t.equal(health, 200)
  t.strictSame(await get(url, '/__admin/requests/count?path=/project/*/key/*x'), { status: 200, body: { count: 150 } })
  const long = await get(url, `/__admin/requests/count?path=${'*a'.repeat(600)}`)
  t.strictSame(long, { status: 400, body: { error: 'Bad Request', message: `"path" must be at most 1024 characters (got "${'*a'.repeat(20)}...")` } })
})

t.test('pages: limit entries at most, next as the cursor of the rest, in order, none twice or missed', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN, JOURNAL_SIZE: 100 } })
  for (let i = 0; i < 25; i++) await (await fetch(`${url}/health`, { headers: { 'x-request-id': `r${i}` } })).arrayBuffer()
  const seen: string[] = []
  let query = '?limit=10'
  for (let page = 0; page < 5; page++) {
    const { status, body } = await get(url, `/__admin/requests${query}`)
    t.equal(status, 200)
    seen.push(...body.requests.map((entry: { request_id: string }) => entry.request_id))
    if (body.next === undefined) break
    t.equal(body.requests.length, 10)
    query = `?limit=10&after=${body.next as string}`
  }
  t.strictSame(seen, Array.from({ length: 25 }, (_, i) => `r${i}`))
  t.strictSame(await get(url, '/__admin/requests?limit=5&path=/health&after=0'), await get(url, '/__admin/requests?limit=5&path=/health'), 'after=0 is the start')
  const all = await get(url, '/__admin/requests')
  t.equal(all.body.requests.length, 25)
  t.notOk('next' in all.body, 'no next when everything fit')
  for (const [query, message] of [
    ['?limit=0', '"limit" must be a whole number from 1 to 10000 (got "0")'],
    ['?limit=10001', '"limit" must be a whole number from 1 to 10000 (got "10001")'],
    ['?limit=1e3', '"limit" must be a whole number from 1 to 10000 (got "1e3")'],
    ['?after=-1', '"after" must be the "next" of an earlier answer (got "-1")']
  ]) t.strictSame(await get(url, `/__admin/requests${query!}`), { status: 400, body: { error: 'Bad Request', message } }, query!)
})

t.test('an answer holds at most 1,000 entries and about 512 KiB by default: a full journal of 100,000 is read in pages', async t => {
  const { app } = await build(t, { config: { ADMIN_TOKEN, JOURNAL_SIZE: 100_000, JOURNAL_BYTES: 1_073_741_824, JOURNAL_TOTAL_BYTES: 4_294_967_296 } })
  const bodyText = JSON.stringify({ label: 'l'.repeat(2000) })
  for (let i = 0; i < 100_000; i++) {
    app.world.journal.add({ time: new Date().toISOString(), request_id: `r${i}`, operation: null, method: 'GET', path: '/x', status: 200, principal: null, bodyText: i < 50_000 ? null : bodyText, fault: null })
  }
  const first = await app.inject({ method: 'GET', url: '/__admin/requests', headers: ADMIN })
  t.equal(first.statusCode, 200)
  t.equal(first.json().requests.length, 1000)
  t.equal(first.json().next, String(1000))
  const late = await app.inject({ method: 'GET', url: '/__admin/requests?after=60000&limit=10000', headers: ADMIN })
  t.equal(late.statusCode, 200)
  const { requests, next } = late.json()
  t.ok(late.body.length < 1.1 * 512 * 1024, `about 512 KiB: ${late.body.length} bytes`)
  t.ok(requests.length > 100 && requests.length < 10_000, `${requests.length} entries of 2 KiB`)
  t.equal(requests[0].request_id, 'r60000')
  t.equal(next, String(60_000 + requests.length))
  // Counting them lets the event loop turn: a query never holds the server for all of it.
  let turned = false
  setImmediate(() => { turned = true })
  const counting = countRequestsSliced({ world: app.world, namespace: 'default', lookup: () => undefined }, { path: '/x' }, OPERATION_IDS)
  t.notOk(turned, 'not before it starts')
  const counted = await counting
  t.ok(turned, 'the event loop turned while it counted')
  t.strictSame(counted, { ok: true, value: 100_000 })
})
