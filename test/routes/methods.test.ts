// A known path with a method it does not take answers 405 with Allow (RFC 9110, section 15.5.6), every path on its
// own; unknown paths stay 404; under /__admin only the control plane's bearer learns the methods. Allow is computed
// here from the served contract and the documented extra routes, not from the server's route table.
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { LightMyRequestResponse } from 'fastify'
import { servedContractPath } from '../../src/paths.js'
import { ADMIN_TOKEN } from '../answers.js'
import { bearer, build, SECRETS } from '../helper.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const ADMIN = bearer(ADMIN_TOKEN)

interface Path { template: string, methods: string[] }
const document = parse(readFileSync(servedContractPath, 'utf8')) as { paths: Record<string, Record<string, unknown>> }
// Fastify answers HEAD for every GET.
const withHead = (methods: string[]): string[] => methods.includes('GET') ? [...methods, 'HEAD'] : methods
const CONTRACT: Path[] = Object.entries(document.paths).map(([template, item]) =>
  ({ template, methods: withHead(Object.keys(item).filter(key => METHODS.includes(key.toUpperCase())).map(key => key.toUpperCase())) }))
// docs/api.md: the routes outside the contract; the control plane's (docs/coverage.md, namespaces-and-faults.md) with ADMIN_TOKEN.
const EXTRA: Path[] = ['/health', '/ready', '/openapi.json', '/docs', '/docs/json', '/docs/yaml', '/docs/static/{file}'].map(template => ({ template, methods: ['GET', 'HEAD'] }))
const ADMIN_PATHS: Path[] = [
  { template: '/__admin/reset', methods: ['POST'] },
  { template: '/__admin/fixtures', methods: ['POST'] },
  { template: '/__admin/requests', methods: ['GET', 'HEAD', 'DELETE'] },
  { template: '/__admin/requests/count', methods: ['GET', 'HEAD'] },
  { template: '/__admin/namespaces', methods: ['GET', 'HEAD'] },
  { template: '/__admin/namespaces/{name}', methods: ['DELETE'] },
  { template: '/__admin/faults', methods: ['GET', 'HEAD', 'POST', 'DELETE'] },
  { template: '/__admin/faults/{id}', methods: ['DELETE'] },
  { template: '/__admin/coverage', methods: ['GET', 'HEAD', 'DELETE'] },
  { template: '/__admin/tokens', methods: ['POST'] }
]

/** A URL of the template, its parameters filled with `value`. */
const url = (template: string, value: string): string => template.replace(/\{\w+\}/g, value)
const matches = (template: string, path: string): boolean => {
  const parts = template.split('/')
  const segments = path.split('/')
  // As find-my-way does, a parameter takes an empty segment too.
  return parts.length === segments.length && parts.every((part, i) => part.startsWith('{') || part === segments[i])
}
/** Allow for a URL: every method of every template that matches it, in the order the server lists them. */
const allowFor = (paths: Path[], path: string): string[] =>
  METHODS.filter(method => paths.some(p => matches(p.template, path) && p.methods.includes(method)))

function assert405 (t: Test, res: LightMyRequestResponse, method: string, path: string, allow: string[]): void {
  t.equal(res.statusCode, 405, `${method} ${path}: 405`)
  t.equal(res.headers.allow, allow.join(', '), `${method} ${path}: Allow`)
  t.equal(res.headers['content-type'], 'application/json')
  if (method !== 'HEAD') t.strictSame(res.json(), { error: 'Method Not Allowed', message: `Route ${method} ${path} not allowed: this path takes ${allow.join(', ')}` })
}

for (const path of [...CONTRACT, ...EXTRA]) {
  t.test(`${path.template}: every other method answers 405 with Allow: ${path.methods.join(', ')}; nothing changes`, async t => {
    const { app, rows } = await build(t)
    const before = rows()
    const concrete = url(path.template, path.template.startsWith('/docs') ? 'swagger-ui.css' : 'key_read').replace('/project/key_read', '/project/proj_one')
    const allow = allowFor([...CONTRACT, ...EXTRA], concrete)
    t.strictSame(allow.filter(method => !path.methods.includes(method)), concrete.endsWith('/verify') ? ['GET', 'HEAD', 'PATCH', 'DELETE'] : [], 'only a URL two templates match takes more')
    for (const method of METHODS.filter(method => !allow.includes(method))) {
      for (const headers of [{}, bearer(SECRETS.key_admin)]) {
        assert405(t, await app.inject({ method: method as 'GET', url: concrete, headers }), method, concrete, allow)
      }
    }
    t.strictSame(rows(), before, 'no 405 changed a row')
  })
}

t.test('a URL that only verify and a key id match lists both routes\' methods', async t => {
  const { app } = await build(t)
  assert405(t, await app.inject({ method: 'PUT', url: '/project/proj_one/key/verify' }), 'PUT', '/project/proj_one/key/verify', ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'])
})

t.test('unknown paths stay 404 for every method, beside known ones and below them', async t => {
  const { app } = await build(t)
  for (const path of ['/nowhere', '/project', '/project/proj_one', '/project/proj_one/keys', '/project/proj_one/key/key_read/regenerate/x', '/project/proj_one/key/key_read/regenerate/', '/auth/.well-known/jwks', '/healthz', '/__admin/reset']) {
    for (const method of METHODS) {
      const res = await app.inject({ method: method as 'GET', url: path })
      t.equal(res.statusCode, 404, `${method} ${path}`)
      t.equal(res.headers.allow, undefined, `${method} ${path}: no Allow`)
    }
  }
})

t.test('with CORS_ORIGIN, OPTIONS is a method of every known path; other methods still answer 405 listing it', async t => {
  const { app } = await build(t, { config: { CORS_ORIGIN: 'http://localhost:5173' } })
  assert405(t, await app.inject({ method: 'PUT', url: '/health' }), 'PUT', '/health', ['GET', 'HEAD', 'OPTIONS'])
  const unknown = await app.inject({ method: 'PUT', url: '/nowhere' })
  t.equal(unknown.statusCode, 404, 'the preflight catch-all makes no path known')
})

for (const path of ADMIN_PATHS) {
  t.test(`${path.template}: to the control plane's bearer, other methods answer 405 with Allow: ${path.methods.join(', ')}; to others, 404`, async t => {
    const { app } = await build(t, { config: { ADMIN_TOKEN } })
    const concrete = url(path.template, 'x')
    for (const method of METHODS.filter(method => !path.methods.includes(method))) {
      assert405(t, await app.inject({ method: method as 'GET', url: concrete, headers: ADMIN }), method, concrete, path.methods)
      const stranger = await app.inject({ method: method as 'GET', url: concrete, headers: bearer(SECRETS.key_admin) })
      t.equal(stranger.statusCode, 404, `${method} ${concrete} by a stranger`)
      t.equal(stranger.headers.allow, undefined)
    }
  })
}
