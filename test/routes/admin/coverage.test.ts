// GET and DELETE /__admin/coverage over a real listener: every case of the contract can be exercised, each answer
// counts once under its operation, status and rule, and counting starts again after a reset or a DELETE.
import t from 'tap'
import { request } from 'node:http'
import { SYSTEM } from '../../../src/domain/credential.js'
import { createKeyNow } from '../../../src/operations/create-key.js'
import { ADMIN, ADMIN_TOKEN, ISO_MS } from './helper.js'
import { bearer, SECRETS, userToken } from '../../helper.js'
import { patience } from '../../patience.js'
import { listen } from '../../wire.js'

interface Sent { method: string, path: string, headers?: Record<string, string>, body?: string }

/** One request over node:http, which (unlike fetch) sends a body with any method. */
function send (url: string, sent: Sent): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    // Content-Length always: for GET and DELETE, node:http would send a body with neither it nor chunking.
    const headers = { ...sent.headers, ...(sent.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(sent.body)) }) }
    const req = request(url + sent.path, { method: sent.method, headers, timeout: patience(2_000) }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('timeout', () => req.destroy(new Error(`no answer to ${sent.method} ${sent.path} within ${patience(2_000)} ms`)))
    req.on('error', reject)
    req.end(sent.body)
  })
}

async function coverage (url: string, method = 'GET', headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(`${url}/__admin/coverage`, { method, headers: { ...ADMIN, ...headers }, signal: AbortSignal.timeout(patience(2_000)) })
  if (res.status !== 200) throw new Error(`coverage: ${res.status} ${await res.text()}`)
  return await res.json()
}

const JSON_TYPE = { 'content-type': 'application/json' }

t.test('a suite that sends one request per case leaves no case missing, each counted exactly once', async t => {
  const { app, url } = await listen(t, { config: { ADMIN_TOKEN } })
  const owner = bearer(await userToken('user_owner'))
  const made = (label: string): string => {
    const created = createKeyNow(app.world, SYSTEM, { projectId: 'proj_one', label, roles: 'read' })
    if (!created.ok) throw new Error(created.refusal.kind)
    return created.value.id
  }
  // Each operation: where it acts, and a body it accepts (undefined: it takes none).
  const operations: Record<string, { path: (project: string, key: string) => string, body?: Record<string, unknown>, key?: () => string }> = {
    createApiKey: { path: p => `/project/${p}/key`, body: { label: 'New', roles: 'read' } },
    listApiKeys: { path: p => `/project/${p}/key` },
    verifyApiKey: { path: p => `/project/${p}/key/verify`, body: { key: SECRETS.key_read } },
    getApiKey: { path: (p, k) => `/project/${p}/key/${k}` },
    updateApiKey: { path: (p, k) => `/project/${p}/key/${k}`, body: { label: 'Renamed' } },
    deleteApiKey: { path: (p, k) => `/project/${p}/key/${k}`, key: () => made('To delete') },
    regenerateApiKey: { path: (p, k) => `/project/${p}/key/${k}/regenerate`, key: () => made('To regenerate') },
    getJsonWebKeySet: { path: () => '/auth/.well-known/jwks.json' }
  }
  const before = await coverage(url)
  t.equal(before.covered, 0)
  t.strictSame(before.other, [])
  t.equal(before.missing.length, before.total)

  for (const { operation: id, method, statuses } of before.operations) {
    const operation = operations[id]
    if (operation === undefined) throw new Error(`the contract has an operation this suite does not know: ${id}; add it above`)
    const valid = operation.body
    const json = (body: unknown, headers: Record<string, string> = owner): Sent => ({ method, path: operation.path('proj_one', 'key_read'), headers: { ...headers, ...JSON_TYPE }, body: JSON.stringify(body) })
    const raw = (body: string, type: string): Sent => ({ method, path: operation.path('proj_one', 'key_read'), headers: { ...owner, 'content-type': type }, body })
    // As the operation is called, with or without its body.
    const as = (headers: Record<string, string>, project = 'proj_one', key = 'key_read'): Sent =>
      valid === undefined ? { method, path: operation.path(project, key), headers } : { ...json(valid, headers), path: operation.path(project, key) }
    const first = Object.keys(valid ?? {})[0]!
    const provoke: Record<string, () => Sent> = {
      200: () => as(owner, 'proj_one', operation.key?.() ?? 'key_read'),
      'content-type': () => raw(JSON.stringify(valid), 'text/plain'),
      json: () => raw('{"label": ', 'application/json'),
      'empty-body': () => raw('  ', 'application/json'),
      'body-too-large': () => raw(JSON.stringify({ ...valid, pad: 'x'.repeat(17 * 1024) }), 'application/json'),
      'forbidden-key': () => raw('{"__proto__": {"admin": true}}', 'application/json'),
      'not-an-object': () => raw('[]', 'application/json'),
      'schema:additionalProperties': () => json({ ...valid, extra: 1 }),
      'schema:required': () => json({}),
      'schema:minProperties': () => json({}),
      'schema:type': () => json({ ...valid, [first]: 1 }),
      label: () => json({ ...valid, label: '   ' }),
      roles: () => json({ ...valid, roles: 'read,,write' }),
      'no-body': () => raw('unexpected', 'text/plain'),
      expect: () => ({ ...as(owner), headers: { ...owner, expect: 'a-reply-in-verse' } }),
      'missing-credentials': () => as({}),
      'unknown-credential': () => as(bearer('basic_key_nobody_knows_this_one_0000000000')),
      'insufficient-scope': () => as(bearer(SECRETS.key_read)),
      // A project the owner is no member of, or a key the project lacks.
      'not-visible': () => as(owner, 'proj_two', 'key_two_read')
    }
    for (const { status, rules } of statuses) {
      for (const rule of rules.length === 0 ? [String(status)] : rules.map((r: { rule: string }) => r.rule)) {
        const make = provoke[rule]
        if (make === undefined) throw new Error(`no request of this suite provokes ${id}:${status}:${rule}; add one above`)
        const answer = await send(url, make())
        t.equal(answer.status, status, `${id} ${status} ${rule}: ${answer.body.slice(0, 200)}`)
      }
    }
  }

  const after = await coverage(url)
  t.strictSame(after.missing, [], 'every case exercised')
  t.equal(after.covered, after.total)
  t.equal(after.percent, 100)
  t.strictSame(after.other, [], 'no answer outside the cases')
  for (const operation of after.operations) {
    for (const { status, count, rules } of operation.statuses) {
      t.equal(count, Math.max(1, rules.length), `${operation.operation} ${status}: one answer per case`)
      for (const rule of rules) t.equal(rule.count, 1, `${operation.operation} ${status} ${rule.rule}`)
    }
  }
})

t.test('reports each operation with its method, path and listed statuses, and the since of the world\'s opening', async t => {
  const started = Date.now()
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const report = await coverage(url)
  t.strictSame(Object.keys(report), ['namespace', 'since', 'total', 'covered', 'percent', 'operations', 'missing', 'other'])
  t.equal(report.namespace, 'default')
  t.match(report.since, ISO_MS)
  t.ok(Date.parse(report.since) >= started - 1 && Date.parse(report.since) <= Date.now())
  t.strictSame(report.operations.find((o: any) => o.operation === 'updateApiKey'), {
    operation: 'updateApiKey',
    method: 'PATCH',
    path: '/project/{id}/key/{key_id}',
    statuses: [
      { status: 200, count: 0, rules: [] },
      {
        status: 400,
        count: 0,
        rules: ['content-type', 'json', 'empty-body', 'body-too-large', 'forbidden-key', 'not-an-object', 'schema:additionalProperties',
          'schema:minProperties', 'schema:type', 'label', 'roles'].map(rule => ({ rule, count: 0 }))
      },
      { status: 401, count: 0, rules: ['missing-credentials', 'unknown-credential', 'insufficient-scope'].map(rule => ({ rule, count: 0 })) },
      { status: 404, count: 0, rules: [{ rule: 'not-visible', count: 0 }] }
    ]
  })
  t.strictSame(report.operations.find((o: any) => o.operation === 'getApiKey').statuses[1], { status: 400, count: 0, rules: [{ rule: 'expect', count: 0 }] }, 'a GET\'s body is never read')
  t.strictSame(report.operations.find((o: any) => o.operation === 'deleteApiKey').statuses[1], { status: 400, count: 0, rules: [{ rule: 'no-body', count: 0 }] })
  t.strictSame(report.operations.find((o: any) => o.operation === 'getJsonWebKeySet'), {
    operation: 'getJsonWebKeySet', method: 'GET', path: '/auth/.well-known/jwks.json', statuses: [{ status: 200, count: 0, rules: [] }]
  })
  t.equal(report.total, 71, 'cases of this contract: 16 + 16 + 14 for the operations with a body, 4 x 6 without, 1 for the key set')
  t.equal(report.missing.length, 71)
  t.equal(report.missing[0], 'createApiKey:200')
  t.ok(report.missing.includes('updateApiKey:401:insufficient-scope'))
})

t.test('counts each answer once, by operation, status and rule; answers outside the cases go to other; HEAD, health, unknown routes and the control plane count nowhere', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const key = { ...bearer(SECRETS.key_admin), ...JSON_TYPE }
  const patch = (headers: Record<string, string>, body: string) => send(url, { method: 'PATCH', path: '/project/proj_one/key/key_read', headers, body })
  t.equal((await patch(key, '{"label":"a"}')).status, 200)
  t.equal((await patch(key, '{"label":"b"}')).status, 200)
  t.equal((await patch(JSON_TYPE, '{"label":"c"}')).status, 401)
  t.equal((await patch({ ...key, 'content-type': 'application/json; charset=latin1' }, '{"label":"d"}')).status, 400)
  t.equal((await patch({ ...key, expect: 'something-else' }, '{"label":"e"}')).status, 400)
  t.equal((await send(url, { method: 'HEAD', path: '/project/proj_one/key', headers: key })).status, 200)
  t.equal((await send(url, { method: 'GET', path: '/health' })).status, 200)
  t.equal((await send(url, { method: 'GET', path: '/project/proj_one/keys' })).status, 404)
  t.equal((await send(url, { method: 'GET', path: '/__admin/requests', headers: ADMIN })).status, 200)
  const report = await coverage(url)
  const update = report.operations.find((o: any) => o.operation === 'updateApiKey')
  t.strictSame(update.statuses.map((s: any) => [s.status, s.count]), [[200, 2], [400, 2], [401, 1], [404, 0]])
  t.strictSame(update.statuses[2].rules, [{ rule: 'missing-credentials', count: 1 }, { rule: 'unknown-credential', count: 0 }, { rule: 'insufficient-scope', count: 0 }])
  t.ok(update.statuses[1].rules.every((r: any) => r.count === 0), 'a charset or Expect refusal is no case of the contract')
  t.strictSame(report.other, [{ operation: 'updateApiKey', status: 400, rule: 'charset', count: 1 }, { operation: 'updateApiKey', status: 400, rule: 'expect', count: 1 }])
  t.equal(report.covered, 2)
  t.equal(report.percent, 2.8, '2 of 71, rounded down to one decimal')
  t.strictSame(report.operations.filter((o: any) => o.operation !== 'updateApiKey').flatMap((o: any) => o.statuses.map((s: any) => s.count)).filter((n: number) => n > 0), [])
})

t.test('POST /__admin/reset and DELETE /__admin/coverage start counting again; the DELETE answers the empty report', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const list = () => send(url, { method: 'GET', path: '/project/proj_one/key', headers: bearer(SECRETS.key_admin) })
  t.equal((await list()).status, 200)
  const first = await coverage(url)
  t.equal(first.covered, 1)

  t.equal((await send(url, { method: 'POST', path: '/__admin/reset', headers: ADMIN })).status, 200)
  const reset = await coverage(url)
  t.equal(reset.covered, 0)
  t.strictSame(reset.operations.flatMap((o: any) => o.statuses.map((s: any) => s.count)).filter((n: number) => n > 0), [])
  t.ok(Date.parse(reset.since) >= Date.parse(first.since), 'since moves to the reset')

  t.equal((await list()).status, 200)
  t.equal((await coverage(url)).covered, 1)
  const cleared = await coverage(url, 'DELETE')
  t.equal(cleared.covered, 0)
  t.equal(cleared.missing.length, cleared.total)
  t.ok(Date.parse(cleared.since) >= Date.parse(reset.since))
  t.strictSame(await coverage(url), cleared, 'the DELETE answered the report as it now is')
  t.equal((await list()).status, 200)
  t.equal((await coverage(url)).covered, 1, 'and counting goes on')
})

t.test('the report names the asker\'s namespace: X-Mock-Namespace, or default', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  t.equal((await coverage(url)).namespace, 'default')
  t.equal((await coverage(url, 'GET', { 'x-mock-namespace': 'team-a' })).namespace, 'team-a')
})

t.test('?namespace= reads another open namespace\'s report; one not open, a bad name or another parameter is a 400 and opens nothing', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const teamA = { 'x-mock-namespace': 'team-a' }
  t.equal((await send(url, { method: 'GET', path: '/project/proj_one/key', headers: { ...bearer(SECRETS.key_admin), ...teamA } })).status, 200)
  const read = async (query: string, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> => {
    const res = await fetch(`${url}/__admin/coverage${query}`, { headers: { ...ADMIN, ...headers }, signal: AbortSignal.timeout(patience(2_000)) })
    return { status: res.status, body: await res.json() }
  }
  const theirs = await read('?namespace=team-a')
  t.match(theirs, { status: 200, body: { namespace: 'team-a', covered: 1 } }, 'team-a\'s, asked from the default namespace')
  t.strictSame(theirs.body, await coverage(url, 'GET', teamA), 'the report team-a would read itself')
  t.match(await read('?namespace=default', teamA), { status: 200, body: { namespace: 'default', covered: 0 } }, 'the default\'s, asked from team-a')
  for (const [query, message] of <Array<[string, string]>>[
    ['?namespace=typo', '"namespace" must name an open namespace: one opens at its first authenticated request with X-Mock-Namespace, and GET /__admin/namespaces lists them (got "typo")'],
    ['?namespace=a%20b', '"namespace" must be 1 to 64 of A-Z a-z 0-9 _ . - (got "a b")'],
    ['?verb=GET', 'Unknown property "verb" in querystring']
  ]) t.strictSame(await read(query), { status: 400, body: { error: 'Bad Request', message } }, query)
  const listed = await fetch(`${url}/__admin/namespaces`, { headers: ADMIN })
  t.strictSame((await listed.json() as { namespaces: Array<{ name: string }> }).namespaces.map(n => n.name), ['default', 'team-a'], 'no query opened a namespace')
})

t.test('a body sent to the coverage routes is refused and clears nothing', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  t.equal((await send(url, { method: 'GET', path: '/project/proj_one/key', headers: bearer(SECRETS.key_admin) })).status, 200)
  const res = await send(url, { method: 'DELETE', path: '/__admin/coverage', headers: { ...ADMIN, ...JSON_TYPE }, body: '{"all":true}' })
  t.strictSame({ status: res.status, body: JSON.parse(res.body) }, { status: 400, body: { error: 'Bad Request', message: 'This operation takes no request body' } })
  t.equal((await coverage(url)).covered, 1)
})
