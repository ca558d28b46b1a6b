// Inputs of the control plane that once reached a 500 or a wrong answer (issue 23 item 5, issue 25 item 5), over a
// real listener: each is a 400 naming the problem, and nothing is added or changed.
import t from 'tap'
import { ADMIN, ADMIN_TOKEN } from './helper.js'
import { bearer, SECRETS } from '../../helper.js'
import { listen } from '../../wire.js'

interface Answer { status: number, body: unknown, headers: Headers }

async function call (url: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const res = await fetch(url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

const bad = (message: string) => ({ status: 400, body: { error: 'Bad Request', message } })
const answer = ({ status, body }: Answer) => ({ status, body })

t.test('POST /__admin/tokens: a lifetime past 100 years is a 400 naming expires_in, not a 500; 100 years is minted', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  for (const ttl of ['99999999d', '999999999m', '36501d', '999999999h']) {
    t.strictSame(answer(await call(url, 'POST', '/__admin/tokens', ADMIN, { user: 'user_owner', expires_in: ttl })),
      bad(`"expires_in" must be at most 36500d (100 years) (got ${JSON.stringify(ttl)})`), ttl)
  }
  t.strictSame(answer(await call(url, 'POST', '/__admin/tokens', ADMIN, { user: 'user_owner', expires_in: '9999999999d' })),
    bad('"expires_in" must look like 90s, 15m, 1h or 7d (got "9999999999d")'), 'ten digits: not a duration at all')
  const longest = await call(url, 'POST', '/__admin/tokens', ADMIN, { user: 'user_owner', expires_in: '36500d' })
  t.equal(longest.status, 200)
  const expiresAt = Date.parse((longest.body as { expires_at: string }).expires_at)
  t.ok(Math.abs(expiresAt - (Date.now() + 36_500 * 86_400_000)) < 60_000, 'expires in 100 years')
})

t.test('GET /__admin/requests(/count): since must be a date and time that exist: no 30 February, no 24:00', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  for (const since of ['2030-02-30T00:00:00Z', '2030-01-01T24:00:00Z', '2031-02-29T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-01T23:60:00Z', '2030-01-01T23:59:60Z', '2030-01-01T00:00:00+24:00']) {
    const expected = bad(`"since" must be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z (got ${JSON.stringify(since)})`)
    t.strictSame(answer(await call(url, 'GET', `/__admin/requests?since=${encodeURIComponent(since)}`, ADMIN)), expected, since)
    t.strictSame(answer(await call(url, 'GET', `/__admin/requests/count?since=${encodeURIComponent(since)}`, ADMIN)), expected, `${since}, counted`)
  }
  for (const since of ['2032-02-29T00:00:00Z', '2030-01-01T23:59:59.999Z', '2030-01-01T00:00:00-23:59']) {
    t.strictSame(answer(await call(url, 'GET', `/__admin/requests/count?since=${encodeURIComponent(since)}`, ADMIN)), { status: 200, body: { count: 0 } }, `${since} is a date`)
  }
})

t.test('POST /__admin/faults: retry_after is at most a day, so Retry-After is always a number of seconds', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  for (const retryAfter of [1e21, 86_401]) {
    const res = await call(url, 'POST', '/__admin/faults', ADMIN, { operation: 'updateApiKey', status: 503, retry_after: retryAfter })
    t.equal(res.status, 400, String(retryAfter))
    t.match(res.body, { error: 'Bad Request', message: /"retry_after" must be <= 86400/ })
  }
  t.strictSame(answer(await call(url, 'GET', '/__admin/faults', ADMIN)), { status: 200, body: { faults: [] } }, 'nothing added')
  await call(url, 'POST', '/__admin/faults', ADMIN, { operation: 'getApiKey', status: 503, retry_after: 86_400 })
  const faulted = await call(url, 'GET', '/project/proj_one/key/key_read', bearer(SECRETS.key_admin))
  t.equal(faulted.status, 503)
  t.equal(faulted.headers.get('retry-after'), '86400')
})

t.test('POST /__admin/faults: a rule that can never match is a 400 saying what it could have meant, and nothing is added', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const cases: Array<[object, string]> = [
    [{ operation: 'updateApiKeys', status: 503 }, 'operation "updateApiKeys" is no operation of the contract: did you mean updateApiKey?'],
    [{ operation: 'patchApiKey', status: 503 }, 'operation "patchApiKey" is no operation of the contract: did you mean updateApiKey?'],
    [{ operation: 'postApiKey', status: 503 }, 'operation "postApiKey" is no operation of the contract: did you mean createApiKey, regenerateApiKey or verifyApiKey?'],
    [{ operation: 'zzz', status: 503 }, 'operation "zzz" is no operation of the contract: the operations are createApiKey, deleteApiKey, getApiKey, getJsonWebKeySet, listApiKeys, regenerateApiKey, updateApiKey, verifyApiKey'],
    [{ path: '/projects/*', status: 503 }, 'path "/projects/*" matches no route of the contract: did you mean "/project/*"? (* matches any run of characters)'],
    [{ operation: 'getApiKey', path: '/project/*/key/*/regenerate', status: 503 }, 'path "/project/*/key/*/regenerate" matches no route of GET /project/{id}/key/{key_id}: did you mean "/project/*/key/*"? (* matches any run of characters)'],
    [{ path: '/nothing/here/at/all', status: 503 }, 'path "/nothing/here/at/all" matches no route of the contract: * matches any run of characters, e.g. /project/*/key'],
    [{ method: 'PUT', status: 503 }, 'method "PUT" is no method of the contract\'s operations (POST, DELETE, GET, PATCH)'],
    [{ method: 'head', status: 503 }, 'method "head" is no method of the contract\'s operations (POST, DELETE, GET, PATCH)'],
    [{ operation: 'updateApiKey', method: 'GET', status: 503 }, 'operation updateApiKey is PATCH, never GET: drop method, or name an operation of GET (getApiKey, getJsonWebKeySet, listApiKeys)']
  ]
  for (const [rule, message] of cases) {
    t.strictSame(answer(await call(url, 'POST', '/__admin/faults', ADMIN, rule)), bad(message), JSON.stringify(rule))
  }
  t.strictSame(answer(await call(url, 'GET', '/__admin/faults', ADMIN)), { status: 200, body: { faults: [] } }, 'nothing added')
  // Rules that can match are still taken, in any case of method, with wildcards anywhere.
  for (const rule of [{ path: '/project/*', status: 503 }, { method: 'patch', path: '*key_read', status: 503 }, { path: '/auth/*', delay: 1 }, { path: '*', drop: 'close' }]) {
    t.equal((await call(url, 'POST', '/__admin/faults', ADMIN, rule)).status, 200, JSON.stringify(rule))
  }
})
