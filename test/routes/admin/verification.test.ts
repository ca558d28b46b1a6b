// Verification queries over a real listener: GET /__admin/requests with each filter, and /requests/count for the
// same filters, which must always agree.
import t, { type Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { ADMIN, ADMIN_TOKEN } from './helper.js'
import { bearer, SECRETS, userToken } from '../../helper.js'
import { patience } from '../../patience.js'
import { listen } from '../../wire.js'

type Entry = Record<string, any>

async function call (url: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<number> {
  const res = await fetch(url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(patience(2_000))
  })
  await res.arrayBuffer()
  return res.status
}

async function ask (url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> {
  const res = await fetch(url + path, { headers: { ...ADMIN, ...headers }, signal: AbortSignal.timeout(patience(2_000)) })
  return { status: res.status, body: await res.json() }
}

/** The journal entry of a request id, once it is there. */
async function journaled (url: string, id: string): Promise<Entry> {
  const deadline = Date.now() + patience(2_000)
  for (;;) {
    const entry = ((await ask(url, '/__admin/requests')).body.requests as Entry[]).find(e => e.request_id === id)
    if (entry !== undefined) return entry
    if (Date.now() > deadline) throw new Error(`request ${id} was not journaled within ${patience(2_000)} ms`)
    await sleep(1)
  }
}

/** The ids of the requests a filter finds, after checking that /requests/count counts the same. */
async function found (t: Test, url: string, query: string, headers: Record<string, string> = {}): Promise<string[]> {
  const listed = await ask(url, `/__admin/requests${query}`, headers)
  const counted = await ask(url, `/__admin/requests/count${query}`, headers)
  t.equal(listed.status, 200, query)
  t.equal(counted.status, 200, query)
  const ids = (listed.body.requests as Entry[]).map(e => e.request_id as string)
  t.strictSame(counted.body, { count: ids.length }, `count${query} agrees`)
  return ids
}

t.test('each filter, alone and together, finds exactly its requests, and /count counts them', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const owner = await userToken('user_owner')
  const as = (id: string, headers: Record<string, string> = {}) => ({ ...headers, 'x-request-id': id })
  t.equal(await call(url, 'PATCH', '/project/proj_one/key/key_read', as('r1', bearer(SECRETS.key_admin)), { label: 'a' }), 200)
  t.equal(await call(url, 'PATCH', '/project/proj_one/key/key_read', as('r2'), { label: 'b' }), 401)
  t.equal(await call(url, 'GET', '/project/proj_one/key', as('r3', bearer(owner))), 200)
  t.equal(await call(url, 'GET', '/project/proj_two/key/key_two_read', as('r4', bearer(SECRETS.key_admin))), 404)
  // An instant after every request so far was journaled (onResponse may follow the client's read of the answer).
  const r4 = await journaled(url, 'r4')
  while (Date.now() <= Date.parse(r4.time)) await sleep(1)
  const since = new Date().toISOString()
  t.equal(await call(url, 'POST', '/project/proj_one/key/verify', as('r5', bearer(owner)), { key: SECRETS.key_read }), 200)
  t.equal(await call(url, 'GET', '/health', as('r6')), 200)
  t.equal(await call(url, 'DELETE', '/project/proj_one/key/key_gone', as('r7', bearer(owner))), 404)
  const all = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']

  const cases: Array<[string, string[]]> = [
    ['', all],
    ['?operation=updateApiKey', ['r1', 'r2']],
    ['?operation=listApiKeys', ['r3']],
    ['?operation=regenerateApiKey', []],
    ['?method=get', ['r3', 'r4', 'r6']],
    ['?method=DELETE', ['r7']],
    ['?path=/project/proj_one/key', ['r3']],
    ['?path=/project/*/key/*', ['r1', 'r2', 'r4', 'r5', 'r7']],
    ['?path=*/key_read', ['r1', 'r2']],
    ['?path=/project/proj_one/*', ['r1', 'r2', 'r3', 'r5', 'r7']],
    ['?path=*', all],
    ['?path=/project/proj_?/key', []],
    ['?status=404', ['r4', 'r7']],
    ['?status=4xx', ['r2', 'r4', 'r7']],
    ['?status=2XX', ['r1', 'r3', 'r5', 'r6']],
    ['?status=5xx', []],
    ['?caller=key_admin', ['r1', 'r4']],
    ['?caller=user_owner', ['r3', 'r5', 'r7']],
    ['?caller=user_nobody', []],
    [`?since=${encodeURIComponent(since)}`, ['r5', 'r6', 'r7']],
    [`?since=${encodeURIComponent(since.replace('Z', '+00:00'))}`, ['r5', 'r6', 'r7']],
    ['?since=2000-01-01T00:00:00Z', all],
    ['?since=2999-01-01T00:00:00.000Z', []],
    ['?namespace=default', all],
    ['?operation=updateApiKey&status=401', ['r2']],
    ['?method=GET&caller=key_admin', ['r4']],
    [`?path=/project/*&status=4xx&since=${encodeURIComponent(since)}`, ['r7']],
    ['?operation=updateApiKey&namespace=default&method=PATCH&path=*key_read&status=200&caller=key_admin&since=2000-01-01T00:00:00Z', ['r1']]
  ]
  for (const [query, expected] of cases) t.strictSame(await found(t, url, query), expected, query || 'no filter')

  const entry = (await ask(url, '/__admin/requests?caller=key_admin&status=200')).body.requests
  t.match(entry, [{ request_id: 'r1', operation: 'updateApiKey', method: 'PATCH', path: '/project/proj_one/key/key_read', status: 200, caller: { kind: 'key', key_id: 'key_admin', project_id: 'proj_one' }, body: { label: 'a' } }])
})

t.test('each namespace has its own journal: without the filter the asker\'s own, with it the one named', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  t.equal(await call(url, 'GET', '/health', { 'x-request-id': 'mine' }), 200)
  // A namespace opens only for a credential of it, the control plane's token here: then it journals what it is sent.
  t.strictSame(await found(t, url, '', { 'x-mock-namespace': 'team-a' }), [], 'team-a opened by the control plane')
  t.equal(await call(url, 'GET', '/health', { 'x-request-id': 'theirs', 'x-mock-namespace': 'team-a' }), 200)
  t.strictSame(await found(t, url, ''), ['mine'], 'the default namespace\'s own')
  t.strictSame(await found(t, url, '', { 'x-mock-namespace': 'team-a' }), ['theirs'], 'team-a\'s own')
  t.strictSame(await found(t, url, '?namespace=team-a'), ['theirs'], 'team-a\'s, asked from the default namespace')
  t.strictSame(await found(t, url, '?namespace=default', { 'x-mock-namespace': 'team-a' }), ['mine'], 'the default\'s, asked from team-a')
  // A misspelt name would otherwise read as a namespace that answered nothing, and a count of 0 would pass.
  for (const route of ['/__admin/requests', '/__admin/requests/count']) {
    t.strictSame(await ask(url, `${route}?namespace=nobody`), { status: 400, body: { error: 'Bad Request', message: '"namespace" must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "nobody")' } }, `${route}: a namespace not open`)
  }
  const listed = await fetch(`${url}/__admin/namespaces`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  t.strictSame((await listed.json() as { namespaces: Array<{ name: string }> }).namespaces.map(n => n.name), ['default', 'team-a'])
})

t.test('a bad filter value is a 400 naming the filter and what it must be, on both routes', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const long = 'n'.repeat(65)
  for (const [query, message] of [
    ['?operation=patchKey', '"operation" must be an operationId of the contract: createApiKey, deleteApiKey, getApiKey, getJsonWebKeySet, listApiKeys, regenerateApiKey, updateApiKey, verifyApiKey (got "patchKey")'],
    ['?operation=', '"operation" must be an operationId of the contract: createApiKey, deleteApiKey, getApiKey, getJsonWebKeySet, listApiKeys, regenerateApiKey, updateApiKey, verifyApiKey (got "")'],
    ['?method=GE-T', '"method" must be an HTTP method such as GET or PATCH (got "GE-T")'],
    ['?status=6xx', '"status" must be a status such as 404 or a class such as 4xx (got "6xx")'],
    ['?status=4x', '"status" must be a status such as 404 or a class such as 4xx (got "4x")'],
    ['?caller=', '"caller" must be a key id or a user id (got "")'],
    ['?since=yesterday', '"since" must be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z (got "yesterday")'],
    ['?since=2030-01-01', '"since" must be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-01-01")'],
    ['?since=2030-01-01T00:00:00', '"since" must be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-01-01T00:00:00")'],
    ['?since=2030-13-01T00:00:00Z', '"since" must be an ISO 8601 instant with a zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-13-01T00:00:00Z")'],
    ['?namespace=team%20b', '"namespace" must be 1 to 64 of A-Z a-z 0-9 _ . - (got "team b")'],
    [`?namespace=${long}`, `"namespace" must be 1 to 64 of A-Z a-z 0-9 _ . - (got "${long}")`],
    ['?verb=GET', 'Unknown property "verb" in querystring']
  ]) {
    for (const route of ['/__admin/requests', '/__admin/requests/count']) {
      const res = await ask(url, route + query)
      t.strictSame(res, { status: 400, body: { error: 'Bad Request', message } }, `${route}${query}`)
    }
  }
})

t.test('the journal entry of a HEAD, a health check and an unknown route names no operation', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  t.equal(await call(url, 'HEAD', '/project/proj_one/key', { ...bearer(SECRETS.key_admin), 'x-request-id': 'head' }), 200)
  t.equal(await call(url, 'GET', '/health', { 'x-request-id': 'health' }), 200)
  t.equal(await call(url, 'PATCH', '/project/proj_one/keys/key_read', { 'x-request-id': 'unknown' }, { label: 'x' }), 404)
  t.equal(await call(url, 'GET', '/auth/.well-known/jwks.json', { 'x-request-id': 'jwks' }), 200)
  const entries = (await ask(url, '/__admin/requests')).body.requests as Entry[]
  t.strictSame(entries.map(e => [e.request_id, e.operation]), [['head', null], ['health', null], ['unknown', null], ['jwks', 'getJsonWebKeySet']])
})
