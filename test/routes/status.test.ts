// Status discipline: every route, every method, hostile paths, bodies and credentials. Only the statuses
// the contract lists for the operation come back, each in its contract shape, and a refusal changes nothing.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { bearer, build, SECRETS, userToken } from '../helper.js'
import { contractPath } from '../../src/paths.js'

type Method = NonNullable<InjectOptions['method']>
const METHODS: Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

interface Route { path: string, methods: Map<string, number[]> }

/** The contract's operations, read from openapi/, with their path parameters filled by `fill`. */
function contractRoutes (): Route[] {
  const document = parse(readFileSync(contractPath, 'utf8')) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
  return Object.entries(document.paths).map(([path, operations]) => {
    const methods = new Map(Object.entries(operations).map(([method, operation]) => [method.toUpperCase(), Object.keys(operation.responses).map(Number)]))
    // Fastify answers HEAD for every GET, with the GET's status.
    if (methods.has('GET')) methods.set('HEAD', methods.get('GET')!)
    return { path, methods }
  })
}

const CONTRACT_PATHS = contractRoutes().map(route => route.path)

// Outside the contract: unauthenticated GETs (Fastify answers HEAD for each GET).
const EXTRA_ROUTES: Route[] = ['/health', '/ready', '/openapi.json'].map(path => ({ path, methods: new Map([['GET', [200]], ['HEAD', [200]]]) }))

const ID_VARIANTS = ['proj_one', 'key_read', 'proj_missing', 'x'.repeat(129), 'ümlaut', '%2e%2e', '..%2F..%2Fetc', '%00', '%ZZ', "1'%20OR%20'1'='1", '%F0%9F%94%91']

/** Fills {id} with projects and {key_id} with keys, pairing each hostile value with a real one. */
function fill (path: string): string[] {
  if (!path.includes('{')) return [path, `${path}?__proto__=x&constructor=y`]
  const filled = new Set<string>()
  for (const value of ID_VARIANTS) {
    filled.add(path.replace('{id}', value).replace('{key_id}', 'key_read'))
    filled.add(path.replace('{id}', 'proj_one').replace('{key_id}', value))
  }
  // With a trailing slash the path is unknown, unless a longer route takes the empty segment as its parameter.
  if (!CONTRACT_PATHS.some(other => other.startsWith(`${path}/{`))) filled.add(path.replace('{id}', 'proj_one').replace('{key_id}', 'key_read') + '/')
  filled.add(path.replace('{id}', 'proj_one').replace('{key_id}', 'key_read') + '?label=query&__proto__=x')
  return [...filled]
}

const json = 'application/json'
const BODIES: Array<[string, string | Buffer | undefined, string | undefined]> = [
  ['no body', undefined, undefined],
  ['a valid JSON body', '{"label":"Walked","roles":"read"}', json],
  ['a verify body', JSON.stringify({ key: SECRETS.key_read }), json],
  ['the same body as text/plain', '{"label":"Walked"}', 'text/plain'],
  ['a form body', 'label=Walked', 'application/x-www-form-urlencoded'],
  ['JSON as UTF-16', Buffer.from('{"label":"x"}', 'utf16le'), `${json}; charset=utf-16`],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6c, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json],
  ['empty JSON', '', json],
  ['null', 'null', json],
  ['an array', '[{"label":"x"}]', json],
  ['a prototype key', '{"__proto__":{"admin":true},"label":"x"}', json],
  ['a nested constructor key', '{"label":"x","roles":{"constructor":{"prototype":{}}}}', json],
  ['deep nesting', '['.repeat(8000) + ']'.repeat(8000), json],
  ['deep nesting in a property', `{"label":${'['.repeat(5000)}${']'.repeat(5000)}}`, json],
  ['a body over the limit', JSON.stringify({ label: 'x'.repeat(20_000) }), json],
  ['numbers too big', '{"label":1e999999}', json],
  ['a lone surrogate', '{"label":"\\ud800"}', json],
  ['a NUL in the label', '{"label":"a\\u0000b"}', json]
]

/** The statuses the operation Fastify routes this request to may answer, picked as find-my-way does: static segments first. */
function allowedStatuses (method: string, url: string): number[] {
  const segments = url.split('?')[0]!.split('/')
  let best: { statics: number, statuses: number[] } | undefined
  for (const route of ALL_ROUTES) {
    const statuses = route.methods.get(method)
    const template = route.path.split('/')
    if (statuses === undefined || template.length !== segments.length) continue
    if (!template.every((part, i) => part.startsWith('{') || part === segments[i])) continue
    const statics = template.filter(part => !part.startsWith('{')).length
    if (best === undefined || statics > best.statics) best = { statics, statuses }
  }
  if (best !== undefined) return best.statuses
  // A path some route takes with another method: 405 (docs/api.md); any other path, or one that cannot be decoded: 404.
  // inject resolves dot segments (%2e%2e) as a URL parser does, so the path is the parsed one.
  const parsed = new URL(url, 'http://localhost').pathname.split('/')
  if (parsed.some(segment => { try { decodeURIComponent(segment); return false } catch { return true } })) return [404]
  const known = ALL_ROUTES.some(route => {
    const template = route.path.split('/')
    return template.length === parsed.length && template.every((part, i) => part.startsWith('{') || part === parsed[i])
  })
  return known ? [405] : [404]
}

/** What is wrong with the answer's shape, if anything: 400/401, unknown routes and 405s are {error, message}, a hidden key {error}. */
function shapeProblem (res: LightMyRequestResponse): string | undefined {
  if (!/^application\/json/.test(String(res.headers['content-type']))) return `content-type ${String(res.headers['content-type'])}`
  if (res.statusCode === 200 || res.body === '{"error":"API key not found"}') return undefined
  const body = res.json() as Record<string, unknown>
  const keys = Object.keys(body)
  if (keys.join() !== 'error,message' || typeof body.error !== 'string' || typeof body.message !== 'string') return `body ${res.body.slice(0, 120)}`
  return undefined
}

const ALL_ROUTES = [...contractRoutes(), ...EXTRA_ROUTES]

for (const route of ALL_ROUTES) {
  t.test(`${route.path}: every method and hostile input answers only the statuses its contract lists`, async t => {
    const { app, rows } = await build(t)
    const credentials = [{}, bearer('basic_key_unknown_0000000000000000000000000'), bearer(await userToken('user_member')), bearer(SECRETS.key_admin)]
    const seen = new Map<number, number>()
    const problems: string[] = []
    const canonical = fill(route.path)[0]
    for (const url of fill(route.path)) {
      for (const method of METHODS) {
        const allowed = allowedStatuses(method, url)
        // Hostile bodies on the real URL; hostile URLs with the valid bodies.
        const bodies = method === 'GET' || method === 'HEAD' ? BODIES.slice(0, 1) : url === canonical ? BODIES : BODIES.slice(0, 4)
        for (const headers of credentials) {
          for (const [name, payload, type] of bodies) {
            const before = rows()
            const res = await app.inject({ method, url, payload, headers: { ...headers, ...(type === undefined ? {} : { 'content-type': type }) } })
            const what = `${method} ${url.slice(0, 60)} with ${name}`
            seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
            if (!allowed.includes(res.statusCode)) problems.push(`${what}: ${res.statusCode} is not one of ${allowed.join(', ')}: ${res.body.slice(0, 120)}`)
            if (method === 'HEAD') continue
            const shape = shapeProblem(res)
            if (shape !== undefined) problems.push(`${what}: ${res.statusCode} with ${shape}`)
            if (res.statusCode !== 200 && JSON.stringify(rows()) !== JSON.stringify(before)) problems.push(`${what}: a ${res.statusCode} changed rows`)
          }
        }
      }
    }
    t.strictSame(problems, [], 'every answer has an allowed status, its contract shape, and a refusal changes nothing')
    // The walk must reach every status the route lists, or it proves nothing about them.
    const listed = new Set([...route.methods.values()].flat())
    t.strictSame([...listed].filter(status => !seen.has(status)), [], `every listed status was answered at least once (seen: ${JSON.stringify(Object.fromEntries(seen))})`)
    t.notOk(seen.has(500), 'never a 500')
  })
}
