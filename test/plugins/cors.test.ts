import t from 'tap'
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import corsPlugin from '../../src/plugins/cors.js'
import { contractPath } from '../../src/paths.js'
import { build } from '../helper.js'

const contract = parse(readFileSync(contractPath, 'utf8')) as { paths: Record<string, Record<string, unknown>> }
// Every operation of the contract, with its path parameters filled in.
const OPERATIONS = Object.entries(contract.paths).flatMap(([path, item]) => Object.keys(item).map(method => ({
  method: method.toUpperCase(),
  url: path.replace('{id}', 'proj_one').replace('{key_id}', 'key_read')
})))
const ORIGIN = 'http://localhost:5173'

function preflight (method: string, origin = ORIGIN) {
  return { 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type', origin }
}

t.test('alone on a bare Fastify, it answers a preflight from a listed origin and nothing for another', async t => {
  const app = Fastify()
  await app.register(corsPlugin, { origin: `http://other.test,${ORIGIN}` })
  app.patch('/x', async () => ({ ok: true }))
  t.teardown(() => app.close())
  const allowed = await app.inject({ method: 'OPTIONS', url: '/x', headers: preflight('PATCH') })
  t.equal(allowed.statusCode, 204)
  t.equal(allowed.headers['access-control-allow-origin'], ORIGIN)
  const other = await app.inject({ method: 'OPTIONS', url: '/x', headers: preflight('PATCH', 'http://evil.test') })
  t.equal(other.headers['access-control-allow-origin'], undefined, 'no allow-origin for an origin not listed')
  await t.rejects(async () => {
    const bad = Fastify()
    t.teardown(() => bad.close())
    await bad.register(corsPlugin, { origin: 'localhost:5173' })
  }, /CORS_ORIGIN "localhost:5173" is not \* or a list of origins/)
})

t.test('with CORS_ORIGIN, every operation of the contract has a preflight that allows its method and the Authorization header', async t => {
  const { app } = await build(t, { config: { CORS_ORIGIN: ORIGIN } })
  t.ok(OPERATIONS.length >= 8, `${OPERATIONS.length} operations`)
  for (const { method, url } of OPERATIONS) {
    const res = await app.inject({ method: 'OPTIONS', url, headers: preflight(method) })
    t.equal(res.statusCode, 204, `${method} ${url}`)
    t.match(res.headers, {
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'GET, HEAD, POST, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type, X-Request-Id, X-Mock-Namespace, Prefer',
      'access-control-expose-headers': 'X-Request-Id, WWW-Authenticate, X-Mock-Fault',
      'access-control-max-age': '600',
      vary: 'Origin'
    }, `${method} ${url}: the preflight's headers`)
    t.ok(res.headers['access-control-allow-methods']?.toString().split(', ').includes(method), `${method} is allowed`)
    t.equal(res.headers['access-control-allow-credentials'], undefined, 'no credentials mode: bearer tokens, not cookies')
  }
  const star = await build(t, { config: { CORS_ORIGIN: '*', DATABASE_PATH: ':memory:' } })
  const any = await star.app.inject({ method: 'OPTIONS', url: '/project/proj_one/key', headers: preflight('POST', 'http://anything.test') })
  t.equal(any.headers['access-control-allow-origin'], '*')
})

t.test('without CORS_ORIGIN (the default) there is no CORS: a preflight is a method the path does not take and answers carry no CORS header', async t => {
  const { app } = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: '/project/proj_one/key/key_read', headers: preflight('PATCH') })
  t.equal(res.statusCode, 405)
  t.equal(res.headers.allow, 'GET, HEAD, PATCH, DELETE', 'OPTIONS is none of them')
  t.same(res.json(), { error: 'Method Not Allowed', message: 'Route OPTIONS /project/proj_one/key/key_read not allowed: this path takes GET, HEAD, PATCH, DELETE' })
  t.notOk(Object.keys(res.headers).some(name => name.startsWith('access-control-')), 'no access-control-* header on the 405')
  const get = await app.inject({ method: 'GET', url: '/health', headers: { origin: ORIGIN } })
  t.equal(get.statusCode, 200)
  t.notOk(Object.keys(get.headers).some(name => name.startsWith('access-control-')), 'no access-control-* header')
})
