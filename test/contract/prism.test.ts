// An outside validator: traffic through `prism proxy --errors` to the built server, checked against the document that server serves at
// /openapi.json, so any request or response that breaks the contract fails.
import t from 'tap'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { parse } from 'yaml'
import { SECRETS, userToken } from '../helper.js'
import { CONTRACT, PRISM_ERRORS, ROOT, contractProblems, logProblems, send, startPrism, startServer, type Reply } from './harness.js'
import { INVALID } from '../answers.js'
import { patience } from '../patience.js'

if (!existsSync(join(ROOT, 'dist', 'src', 'cli.js'))) throw new Error('dist/src/cli.js is missing: run npm run build first')

type TestT = Parameters<Parameters<typeof t.test>[0]>[0]

const PATCH_KEY = 'PATCH /project/{id}/key/{key_id}'
const CREATE_KEY = 'POST /project/{id}/key'
const LIST_KEYS = 'GET /project/{id}/key'
const VERIFY_KEY = 'POST /project/{id}/key/verify'
const GET_KEY = 'GET /project/{id}/key/{key_id}'
const DELETE_KEY = 'DELETE /project/{id}/key/{key_id}'
const REGENERATE_KEY = 'POST /project/{id}/key/{key_id}/regenerate'
const JWKS = 'GET /auth/.well-known/jwks.json'
const NEW_SECRET = /^basic_key_[A-Za-z0-9_-]{43}$/
const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const INVALID_TOKEN = INVALID.body
const INSUFFICIENT_SCOPE = { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' }

const teardown = (fn: () => unknown): void => { t.teardown(fn) }
const dir = t.testdir()

// A deliberately wrong upstream, to prove the detector can fail: the key id in the path picks the mistake.
const wrong = createServer((req, res) => {
  req.resume().on('end', () => {
    const mistake = req.url?.split('/')[4]
    const [status, body] = mistake === 'wrong-body'
      ? [200, '{"key":{"id":1,"label":"L","roles":"admin","updated_at":"2026-01-01T00:00:00.000Z"}}']
      : mistake === 'missing-field'
        ? [200, '{"key":{"id":"k","label":"L","roles":"admin"}}']
        : mistake === 'extra-field'
          ? [200, '{"key":{"id":"k","label":"L","roles":"admin","updated_at":"2026-01-01T00:00:00.000Z","project_id":"p"}}']
          : mistake === 'wrong-status'
            ? [403, '{"error":"Forbidden"}']
            : [200, '{"key":{"id":"k","label":"L","roles":"admin","updated_at":"2026-01-01T00:00:00.000Z"}}']
    res.writeHead(status, { 'content-type': 'application/json' }).end(body)
  })
})
await new Promise<void>(resolve => wrong.listen(0, '127.0.0.1', resolve))
// Prism keeps its upstream connections alive: drop them, or close() waits for their idle timeout.
t.teardown(() => new Promise(resolve => { wrong.close(resolve); wrong.closeAllConnections() }))
const wrongAddress = wrong.address()
if (wrongAddress === null || typeof wrongAddress !== 'object') throw new Error('the wrong upstream has no port')

/**
 * The document the server serves at /openapi.json, saved as it came: Prism is given the file, because on Node 26
 * Prism 5's URL loader hands Node's fetch an AbortSignal of its own (abort-controller's), which that fetch refuses.
 */
async function served (url: string): Promise<string> {
  const res = await fetch(`${url}/openapi.json`)
  if (res.status !== 200) throw new Error(`GET ${url}/openapi.json answered ${res.status}`)
  const file = join(dir, 'served-openapi.json')
  writeFileSync(file, await res.text())
  return file
}

// Everything starts at once: start-up is most of this file's wall time.
const [[server, prism], wrongPrism] = await Promise.all([
  startServer(teardown, dir).then(async server => [server, await startPrism(teardown, server.url, await served(server.url))] as const),
  startPrism(teardown, `http://127.0.0.1:${wrongAddress.port}`)
])

const owner = await userToken('user_owner')
const adminMember = await userToken('user_admin')
const member = await userToken('user_member')
const stranger = await userToken('user_ghost')
const forged = await userToken('user_owner', { secret: 'another-secret-that-is-32-bytes-or-longer' })
const expired = await userToken('user_owner', { expiresIn: -3600 })
const outsider = await userToken('user_outsider')

/** Authorization and Content-Type headers; null leaves the header out. */
function headers (token: string | null, contentType: string | null = 'application/json'): Record<string, string> {
  return { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(contentType === null ? {} : { 'content-type': contentType }) }
}

interface Target { operation: string, method: string, path: string }
/** A request line for an operation of the contract (`METHOD /template`), its `{params}` filled in order. */
function at (operation: string, ...params: string[]): Target {
  const [method, template] = operation.split(' ') as [string, string]
  let i = 0
  return { operation, method, path: template.replace(/\{[^}]+\}/g, () => params[i++] ?? '') }
}

interface Exchange extends Target {
  name: string
  headers: Record<string, string>
  body?: string
  status: number
  check: (t: TestT, reply: Reply) => void
}

function renamed (id: string, label: string, roles: string): Exchange['check'] {
  return (t, reply) => {
    const key = (reply.json as { key?: { updated_at?: unknown } } | undefined)?.key
    t.match(key?.updated_at, ISO_MS_UTC, 'updated_at is ISO 8601 UTC with milliseconds')
    t.same(reply.json, { key: { id, label, roles, updated_at: key?.updated_at } }, 'exactly the contract fields')
  }
}
function badRequest (message: RegExp): Exchange['check'] {
  return (t, reply) => {
    t.same(Object.keys(reply.json as object), ['error', 'message'])
    t.match(reply.json, { error: 'Bad Request', message })
  }
}
function unauthorized (body: typeof INVALID_TOKEN, error: string): Exchange['check'] {
  return (t, reply) => {
    t.same(reply.json, body)
    t.equal(reply.headers['www-authenticate'], `Bearer realm="basic-admin", error="${error}"`)
  }
}
const notFound: Exchange['check'] = (t, reply) => t.same(reply.json, { error: 'API key not found' })

type Json = Record<string, unknown>
/** The key object of an answer, exactly these fields, with `created_at` in ISO 8601 UTC with milliseconds. */
function keyExactly (t: TestT, key: unknown, fields: Json, secret: boolean): void {
  const got = (key ?? {}) as Json
  t.match(got.created_at, ISO_MS_UTC, 'created_at is ISO 8601 UTC with milliseconds')
  if (secret) t.match(got.value, NEW_SECRET, 'a new secret: basic_key_ and 43 base64url characters')
  t.strictSame(got, { ...fields, ...(secret ? { value: got.value } : {}), created_at: got.created_at }, 'exactly the contract fields')
}
function created (label: string, roles: string): Exchange['check'] {
  return (t, reply) => {
    const key = (reply.json as { key?: Json }).key
    t.match(key?.id, /^[A-Za-z0-9_-]{1,128}$/)
    t.strictSame(Object.keys(reply.json as object), ['key'])
    keyExactly(t, key, { id: key?.id, label, roles }, true)
  }
}
function listed (ids: string[]): Exchange['check'] {
  return (t, reply) => {
    const data = (reply.json as { data: Json[] }).data
    t.strictSame(Object.keys(reply.json as object), ['data'])
    t.strictSame(data.map(key => key.id), ids, 'the project\'s keys in creation order')
    for (const key of data) {
      t.strictSame(Object.keys(key), ['id', 'label', 'roles', 'is_private', 'last_used', 'created_at'])
      t.ok(key.last_used === null || ISO_MS_UTC.test(String(key.last_used)), 'last_used is null or an ISO time')
    }
  }
}
function read (id: string, label: string, roles: string): Exchange['check'] {
  return (t, reply) => {
    t.strictSame(Object.keys(reply.json as object), ['key'])
    keyExactly(t, (reply.json as { key?: unknown }).key, { id, label, roles }, false)
  }
}
function verified (id: string, label: string, roles: string): Exchange['check'] {
  return (t, reply) => {
    t.strictSame(Object.keys(reply.json as object), ['is_valid', 'key'])
    t.equal((reply.json as Json).is_valid, true)
    keyExactly(t, (reply.json as Json).key, { id, label, roles }, false)
  }
}
const notValid: Exchange['check'] = (t, reply) => t.equal(reply.text, '{"is_valid":false}')
function regenerated (id: string, label: string, roles: string): Exchange['check'] {
  return (t, reply) => {
    const key = (reply.json as { key?: Json }).key
    t.strictSame(Object.keys(reply.json as object), ['key'])
    t.not(key?.value, SECRETS.key_two_admin, 'a new secret')
    const { is_private: isPrivate, ...rest } = key ?? {}
    t.equal(isPrivate, true)
    keyExactly(t, rest, { id, label, roles }, true)
  }
}
const deleted: Exchange['check'] = (t, reply) => t.strictSame(reply.json, { message: 'API key deleted' })
const jwks: Exchange['check'] = (t, reply) => {
  const keys = (reply.json as { keys: Json[] }).keys
  t.equal(keys.length, 1)
  t.match(keys[0], { kty: 'RSA', alg: 'RS256', use: 'sig', kid: String, n: /^[A-Za-z0-9_-]+$/, e: 'AQAB' })
}

const json = JSON.stringify
const admin = SECRETS.key_admin

// Requests Prism lets through: every status the operation lists, answered by the server.
const forwarded: Exchange[] = [
  { name: 'an admin API key renames a key', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: '  Renamed through Prism ' }), status: 200, check: renamed('key_read', 'Renamed through Prism', 'read,app:db:read') },
  { name: 'the owner changes only the roles, normalised', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(owner), body: json({ roles: ' read , write,read' }), status: 200, check: renamed('key_read', 'Renamed through Prism', 'read,write') },
  { name: 'an admin member changes label and roles together', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(adminMember), body: json({ label: 'Both', roles: 'read,app:db:read' }), status: 200, check: renamed('key_read', 'Both', 'read,app:db:read') },
  { name: 'a JSON content type with parameters is accepted', ...at(PATCH_KEY, 'proj_one', 'key_admin'), headers: headers(admin, 'application/json; charset=utf-8'), body: json({ label: 'Admin key' }), status: 200, check: renamed('key_admin', 'Admin key', 'admin') },

  { name: 'more than 32 roles are refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ roles: Array.from({ length: 33 }, (_, i) => `r${i}`).join(',') }), status: 400, check: badRequest(/32/) },
  { name: 'a +json content type other than application/json is refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin, 'application/merge-patch+json'), body: json({ label: 'x' }), status: 400, check: badRequest(/Content-Type/) },
  // Bodies the contract allows but the server refuses: its size limit, and what JSON Schema cannot say (33 distinct roles).
  { name: 'a body over 16 KiB is refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ roles: 'a,'.repeat(8_500) + 'a' }), status: 400, check: badRequest(/larger than 16384 bytes/) },

  { name: 'a token that is neither a JWT nor an API key is refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers('not-a-credential'), body: json({ label: 'x' }), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'an unknown API key is refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers('basic_key_unknown_000000000000000000000000'), body: json({ label: 'x' }), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'a JWT signed with another secret is refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(forged), body: json({ label: 'x' }), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'an expired JWT is refused', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(expired), body: json({ label: 'x' }), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'a plain member is refused with insufficient_scope', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(member), body: json({ label: 'x' }), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: 'a project key without the admin role is refused with insufficient_scope', ...at(PATCH_KEY, 'proj_one', 'key_admin'), headers: headers(SECRETS.key_read), body: json({ label: 'x' }), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },

  { name: 'a missing key is not found', ...at(PATCH_KEY, 'proj_one', 'key_missing'), headers: headers(admin), body: json({ label: 'x' }), status: 404, check: notFound },
  { name: "another project's key is not found", ...at(PATCH_KEY, 'proj_one', 'key_two_read'), headers: headers(admin), body: json({ label: 'x' }), status: 404, check: notFound },
  { name: 'a project the caller is not a member of is not found', ...at(PATCH_KEY, 'proj_two', 'key_two_read'), headers: headers(owner), body: json({ label: 'x' }), status: 404, check: notFound },
  { name: "an API key cannot see another project's keys", ...at(PATCH_KEY, 'proj_two', 'key_two_read'), headers: headers(admin), body: json({ label: 'x' }), status: 404, check: notFound },
  { name: 'a user unknown to the server sees no project', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(stranger), body: json({ label: 'x' }), status: 404, check: notFound },
  { name: 'a path id with a character outside the id alphabet is not found', ...at(PATCH_KEY, 'bad%20id', 'key_read'), headers: headers(admin), body: json({ label: 'x' }), status: 404, check: notFound },
  { name: 'a path id over 128 characters is not found', ...at(PATCH_KEY, 'proj_one', 'k'.repeat(129)), headers: headers(admin), body: json({ label: 'x' }), status: 404, check: notFound },

  // The sibling operations, in an order that tells one story: creates, reads, a regeneration, and a delete last.
  { name: 'an admin API key creates a key, normalised, and sees its secret once', ...at(CREATE_KEY, 'proj_one'), headers: headers(admin), body: json({ label: ' Prism key ', roles: 'read, write,read' }), status: 200, check: created('Prism key', 'read,write') },
  { name: 'the owner creates an admin key', ...at(CREATE_KEY, 'proj_one'), headers: headers(owner), body: json({ label: 'Owner made', roles: 'admin' }), status: 200, check: created('Owner made', 'admin') },
  { name: 'create: more than 32 distinct roles are refused', ...at(CREATE_KEY, 'proj_one'), headers: headers(admin), body: json({ label: 'x', roles: Array.from({ length: 33 }, (_, i) => `r${i}`).join(',') }), status: 400, check: badRequest(/at most 32 distinct roles/) },
  { name: 'create: an unknown API key is refused', ...at(CREATE_KEY, 'proj_one'), headers: headers('basic_key_unknown_000000000000000000000000'), body: json({ label: 'x', roles: 'read' }), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'create: a plain member is refused with insufficient_scope', ...at(CREATE_KEY, 'proj_one'), headers: headers(member), body: json({ label: 'x', roles: 'read' }), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: 'create: a project the caller is not a member of is not found', ...at(CREATE_KEY, 'proj_two'), headers: headers(owner), body: json({ label: 'x', roles: 'read' }), status: 404, check: notFound },

  { name: "list: the other project's admin key lists that project's keys", ...at(LIST_KEYS, 'proj_two'), headers: headers(SECRETS.key_two_admin, null), status: 200, check: listed(['key_two_admin', 'key_two_read']) },
  { name: 'list: a JWT signed with another secret is refused', ...at(LIST_KEYS, 'proj_one'), headers: headers(forged, null), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'list: a key without the admin role is refused with insufficient_scope', ...at(LIST_KEYS, 'proj_one'), headers: headers(SECRETS.key_read, null), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: 'list: a user unknown to the server sees no project', ...at(LIST_KEYS, 'proj_one'), headers: headers(stranger, null), status: 404, check: notFound },

  { name: 'verify: a live secret of the project is valid', ...at(VERIFY_KEY, 'proj_one'), headers: headers(owner), body: json({ key: admin, key_id: 'key_admin' }), status: 200, check: verified('key_admin', 'Admin key', 'admin') },
  { name: "verify: another project's secret is not valid", ...at(VERIFY_KEY, 'proj_one'), headers: headers(owner), body: json({ key: SECRETS.key_two_read }), status: 200, check: notValid },
  { name: 'verify: a body over 16 KiB is refused', ...at(VERIFY_KEY, 'proj_one'), headers: headers(owner), body: json({ key: 'x'.repeat(17_000) }), status: 400, check: badRequest(/larger than 16384 bytes/) },
  { name: 'verify: an expired JWT is refused', ...at(VERIFY_KEY, 'proj_one'), headers: headers(expired), body: json({ key: admin }), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'verify: a plain member is refused with insufficient_scope', ...at(VERIFY_KEY, 'proj_one'), headers: headers(member), body: json({ key: admin }), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: "verify: another project's admin key cannot see the project", ...at(VERIFY_KEY, 'proj_one'), headers: headers(SECRETS.key_two_admin), body: json({ key: admin }), status: 404, check: notFound },

  { name: 'get: an admin member reads a key', ...at(GET_KEY, 'proj_one', 'key_admin'), headers: headers(adminMember, null), status: 200, check: read('key_admin', 'Admin key', 'admin') },
  { name: 'get: a token that is neither a JWT nor an API key is refused', ...at(GET_KEY, 'proj_one', 'key_admin'), headers: headers('not-a-credential', null), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'get: a plain member is refused with insufficient_scope', ...at(GET_KEY, 'proj_one', 'key_admin'), headers: headers(member, null), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: "get: another project's key is not found", ...at(GET_KEY, 'proj_one', 'key_two_read'), headers: headers(owner, null), status: 404, check: notFound },

  { name: 'regenerate: the owner of the other project replaces its admin key\'s secret', ...at(REGENERATE_KEY, 'proj_two', 'key_two_admin'), headers: headers(outsider, null), status: 200, check: regenerated('key_two_admin', 'Two admin', 'admin') },
  { name: 'regenerate: the replaced secret is refused at once', ...at(REGENERATE_KEY, 'proj_two', 'key_two_admin'), headers: headers(SECRETS.key_two_admin, null), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'regenerate: a key without the admin role is refused with insufficient_scope', ...at(REGENERATE_KEY, 'proj_one', 'key_admin'), headers: headers(SECRETS.key_read, null), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: 'regenerate: a missing key is not found', ...at(REGENERATE_KEY, 'proj_one', 'key_missing'), headers: headers(owner, null), status: 404, check: notFound },

  { name: 'delete: the JSON content type with an empty body is accepted, and the key is gone', ...at(DELETE_KEY, 'proj_two', 'key_two_read'), headers: headers(outsider), status: 200, check: deleted },
  { name: 'delete: a deleted key is not found', ...at(DELETE_KEY, 'proj_two', 'key_two_read'), headers: headers(outsider, null), status: 404, check: notFound },
  { name: 'delete: an unknown API key is refused', ...at(DELETE_KEY, 'proj_one', 'key_read'), headers: headers('basic_key_unknown_000000000000000000000000', null), status: 401, check: unauthorized(INVALID_TOKEN, 'invalid_token') },
  { name: 'delete: a plain member is refused with insufficient_scope', ...at(DELETE_KEY, 'proj_one', 'key_read'), headers: headers(member, null), status: 401, check: unauthorized(INSUFFICIENT_SCOPE, 'insufficient_scope') },
  { name: 'list: the deleted key is no longer listed', ...at(LIST_KEYS, 'proj_two'), headers: headers(outsider, null), status: 200, check: listed(['key_two_admin']) },

  { name: 'the JWKS is public and lists the RS256 key', ...at(JWKS), headers: {}, status: 200, check: jwks }
]

interface Refusal extends Target {
  name: string
  headers: Record<string, string>
  body?: string
  status: number
  /** The problem type after `#`, or `invalid_json` for Prism's body parser, which answers outside its problem format. */
  type: string
  /** For 422s, the `code` of Prism's validation entry. */
  code?: string | number
}

// Requests Prism answers itself without calling the server: the contract's schema or security already rules them out.
// Not sent: a `null` body, which Prism forwards as no body but with the original Content-Length, so the server waits out its request timeout.
const refused: Refusal[] = [
  { name: 'an empty object breaks minProperties', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '{}', status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'minProperties' },
  { name: 'a number label breaks the string type', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '{"label":123}', status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'type' },
  { name: 'a null roles breaks the string type', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '{"roles":null}', status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'type' },
  { name: 'a top-level array breaks the object type', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '[{"label":"x"}]', status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'type' },
  { name: 'a text/plain body is not a content type the contract lists', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin, 'text/plain'), body: json({ label: 'x' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 415 },
  { name: 'a body without a content type is taken as a string, not the object the contract asks for', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin, null), body: json({ label: 'x' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'type' },
  { name: 'malformed JSON is refused by Prism before validation', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '{"label":', status: 400, type: 'invalid_json' },
  { name: 'a request without Authorization fulfils no security scheme', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(null), body: json({ label: 'x' }), status: 401, type: 'UNAUTHORIZED' },
  { name: 'a Basic credential fulfils no security scheme', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: { ...headers(null), authorization: 'Basic dXNlcjpwYXNz' }, body: json({ label: 'x' }), status: 401, type: 'UNAUTHORIZED' },
  { name: 'an empty bearer token fulfils no security scheme', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: { ...headers(null), authorization: 'Bearer ' }, body: json({ label: 'x' }), status: 401, type: 'UNAUTHORIZED' },
  // RFC 9110 makes the scheme case-insensitive and the server agrees; Prism does not, so this one never reaches the server.
  { name: 'a lower-case bearer scheme fulfils no security scheme for Prism', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: { ...headers(null), authorization: `bearer ${admin}` }, body: json({ label: 'x' }), status: 401, type: 'UNAUTHORIZED' },
  // What the overlay adds to the seed: closed bodies and the label and roles rules, so these never reach the server.
  { name: 'a label of only spaces breaks the label pattern', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: '   ' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'an empty label breaks minLength', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: '' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'minLength' },
  { name: 'a label with a control character breaks the label pattern', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: 'a\u0001b' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'a label with a tab breaks the label pattern', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: 'a\tb' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'a label over 255 characters breaks the label pattern', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: 'x'.repeat(256) }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'a role name with a space and a bang breaks the roles pattern', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ roles: 'bad role!' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'an empty role item breaks the roles pattern', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ roles: 'read,,write' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'an unknown property breaks the closed body', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: 'x', extra: 1 }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'additionalProperties' },
  { name: 'a __proto__ key breaks the closed body', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '{"__proto__":{"label":"x"}}', status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'additionalProperties' },
  { name: 'a constructor key breaks the closed body', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: 'x', constructor: 1 }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'additionalProperties' },
  { name: 'create: an empty label breaks minLength', ...at(CREATE_KEY, 'proj_one'), headers: headers(admin), body: json({ label: '', roles: 'read' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'minLength' },
  { name: 'create: an invalid role name breaks the roles pattern', ...at(CREATE_KEY, 'proj_one'), headers: headers(admin), body: json({ label: 'x', roles: 'db/write' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'pattern' },
  { name: 'create: an unknown property breaks the closed body', ...at(CREATE_KEY, 'proj_one'), headers: headers(admin), body: json({ label: 'x', roles: 'read', id: 'mine' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'additionalProperties' },
  { name: 'verify: an unknown property breaks the closed body', ...at(VERIFY_KEY, 'proj_one'), headers: headers(owner), body: json({ key: admin, project: 'proj_two' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'additionalProperties' },
  { name: 'a PATCH without a body breaks the required request body', ...at(PATCH_KEY, 'proj_one', 'key_read'), headers: headers(admin), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'required' },
  { name: 'create: a body without roles breaks required', ...at(CREATE_KEY, 'proj_one'), headers: headers(admin), body: json({ label: 'x' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'required' },
  { name: 'verify: a number key breaks the string type', ...at(VERIFY_KEY, 'proj_one'), headers: headers(admin), body: json({ key: 42 }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 'type' },
  // This is why the server's own "This operation takes no request body" 400 never shows through Prism.
  { name: 'regenerate: a body on an operation without one is refused', ...at(REGENERATE_KEY, 'proj_one', 'key_read'), headers: headers(admin), body: '{}', status: 422, type: 'UNPROCESSABLE_ENTITY', code: 415 },
  // node:http frames a GET's body only when told its length.
  { name: 'list: a body on a GET is refused', ...at(LIST_KEYS, 'proj_one'), headers: { ...headers(admin), 'content-length': '13' }, body: json({ label: 'x' }), status: 422, type: 'UNPROCESSABLE_ENTITY', code: 415 },
  { name: 'delete: a request without Authorization fulfils no security scheme', ...at(DELETE_KEY, 'proj_one', 'key_read'), headers: headers(null, null), status: 401, type: 'UNAUTHORIZED' },
  { name: 'a path outside the contract matches no operation', ...at('PATCH /project/{id}/key/{key_id}/extra', 'proj_one', 'key_read'), headers: headers(admin), body: json({ label: 'x' }), status: 404, type: 'NO_PATH_MATCHED_ERROR' }
]

// Prism logs each refusal it makes as `✖  error  Request terminated with error: <type>: <title>`; its body parser logs nothing.
const EXPECTED_REFUSAL = new RegExp(`\\[HTTP SERVER\\] .* ✖ +error +Request terminated with error: ${PRISM_ERRORS.replace(/[.#/]/g, '\\$&')}(UNPROCESSABLE_ENTITY|UNAUTHORIZED|NO_PATH_MATCHED_ERROR): `)
const seen = new Map<string, Set<number>>()

t.test('every request Prism lets through gets the expected answer and Prism reports no violation', async t => {
  for (const exchange of forwarded) {
    await t.test(`${exchange.status}: ${exchange.name}`, async t => {
      const reply = await send(prism.url, exchange.method, exchange.path, exchange.headers, exchange.body)
      t.same(contractProblems(reply), [], 'Prism found no violation')
      t.equal(reply.status, exchange.status)
      t.match(reply.headers['content-type'], /^application\/json/)
      exchange.check(t, reply)
      if (reply.status === exchange.status) seen.set(exchange.operation, (seen.get(exchange.operation) ?? new Set()).add(reply.status))
    })
  }
})

// Operations without a body can still answer 400, but Prism answers every body sent to them itself (422 above). What
// does reach the server is its 400 for headers over 16 KiB: Prism adds accept, accept-encoding and user-agent when it
// forwards, so padding that Prism's own 16 KiB limit still lets in can push the forwarded request over the server's.
// The window is found by bisection on the padding size rather than hard-coded; probes answered normally are harmless.
const OVERSIZED: Target[] = [at(LIST_KEYS, 'proj_one'), at(GET_KEY, 'proj_one', 'key_missing'), at(DELETE_KEY, 'proj_one', 'key_missing'), at(REGENERATE_KEY, 'proj_one', 'key_missing')]
const HEADERS_TOO_LARGE = { error: 'Bad Request', message: 'Request headers are larger than 16 KiB' }
// Probes Prism forwarded (its own 431 never reaches the server), for the log check below.
let forwardedProbes = 0

t.test("headers over 16 KiB get the server's 400 through Prism on the operations without a body", async t => {
  for (const target of OVERSIZED) {
    await t.test(`400: ${target.operation}`, async t => {
      const problems: string[] = []
      const probe = async (size: number): Promise<Reply> => {
        const reply = await send(prism.url, target.method, target.path, { ...headers(owner, null), 'x-padding': 'p'.repeat(size) })
        if (reply.status !== 431) forwardedProbes++
        problems.push(...contractProblems(reply).map(problem => `padding ${size}: ${problem}`))
        return reply
      }
      const tooLarge = (reply: Reply): boolean => reply.status === 431 || reply.status === 400
      // lo is answered normally, hi is not: both ends are checked, then the gap is halved.
      let lo = 8_000
      let hi = 17_000
      t.notOk(tooLarge(await probe(lo)), 'a padding well under the limits is answered normally')
      let reply = await probe(hi)
      t.equal(reply.status, 431, "a padding over Prism's own limit never reaches the server")
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2)
        const answer = await probe(mid)
        if (tooLarge(answer)) [hi, reply] = [mid, answer]
        else lo = mid
      }
      t.equal(reply.status, 400, `the smallest padding not answered normally (${hi} bytes) is the server's 400, not Prism's 431`)
      t.strictSame(reply.json, HEADERS_TOO_LARGE)
      t.match(reply.headers['content-type'], /^application\/json/)
      t.strictSame(problems, [], 'Prism found no violation in any probe')
      if (reply.status === 400) seen.set(target.operation, (seen.get(target.operation) ?? new Set()).add(400))
    })
  }
})

t.test('Prism answers requests that break the contract itself, and none reaches the server', async t => {
  for (const refusal of refused) {
    await t.test(`${refusal.status}: ${refusal.name}`, async t => {
      const reply = await send(prism.url, refusal.method, refusal.path, refusal.headers, refusal.body)
      t.equal(reply.status, refusal.status)
      t.equal(reply.headers['sl-violations'], undefined, 'a request refusal, not a response violation')
      if (refusal.type === 'invalid_json') {
        t.same(reply.json, { error: { code: 'invalid_json', message: 'Invalid JSON' } }, "Prism's body parser, not the server's 400")
        return
      }
      t.match(reply.headers['content-type'], /^application\/problem\+json/)
      t.match(reply.json, { type: `${PRISM_ERRORS}${refusal.type}`, status: refusal.status })
      if (refusal.code !== undefined) t.match(reply.json, { validation: [{ code: refusal.code }] })
      if (refusal.type === 'UNAUTHORIZED') t.equal(reply.headers['www-authenticate'], 'Bearer,Bearer', "Prism's own challenge, not the server's")
    })
  }
})

t.test('the server answered every status of every operation in the contract through Prism', async t => {
  const contract = parse(readFileSync(CONTRACT, 'utf8')) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }
  const listed = Object.entries(contract.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
      .map(([method, operation]) => [`${method.toUpperCase()} ${path}`, Object.keys(operation.responses ?? {}).map(Number).sort()] as const))
  t.ok(listed.some(([operation]) => operation === PATCH_KEY), `the contract still has ${PATCH_KEY}`)
  for (const [operation, statuses] of listed) {
    t.same([...(seen.get(operation) ?? [])].sort(), statuses, `${operation}: statuses the server answered through Prism (an operation or status without traffic needs some in this file)`)
  }
})

t.test("Prism's log holds no violation and no error beyond the refusals it was sent", async t => {
  // The log is written asynchronously: wait until every request sent has its lines.
  const count = (pattern: RegExp): number => prism.proc.output().split('\n').filter(line => pattern.test(line)).length
  const logged = refused.filter(refusal => refusal.type !== 'invalid_json').length
  const deadline = Date.now() + patience(3_000)
  const through = forwarded.length + forwardedProbes
  while ((count(/Received forward response/) < through || count(EXPECTED_REFUSAL) < logged) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  t.equal(count(/Forwarding "\w+" request to /), through, 'exactly the requests Prism lets through reached the server')
  t.equal(count(EXPECTED_REFUSAL), logged, 'one refusal line per request Prism answered itself')
  t.same(logProblems(prism.proc.output(), EXPECTED_REFUSAL), [], 'no violation, warning or unexpected error line')
  t.equal(server.proc.output().split('\n').filter(line => line.trim() !== '' && !line.startsWith('basic-admin-mock listening on ')).join('\n'), '', 'the server logged no warning or error')
})

t.test('the detector flags an upstream that breaks the contract, and only then', async t => {
  const good = await send(wrongPrism.url, 'PATCH', '/project/p/key/right', headers('anything'), json({ label: 'x' }))
  t.equal(good.status, 200)
  t.same(contractProblems(good), [], 'a conforming answer is not flagged')

  const wrongBody = await send(wrongPrism.url, 'PATCH', '/project/p/key/wrong-body', headers('anything'), json({ label: 'x' }))
  t.equal(wrongBody.status, 500, 'Prism replaces an answer that breaks the schema')
  t.match(wrongBody.json, { type: `${PRISM_ERRORS}VIOLATIONS`, validation: [{ location: ['response', 'body', 'key', 'id'], severity: 'Error', code: 'type' }] })
  t.match(contractProblems(wrongBody), [/^sl-violations: .*key\.id must be string/, /^Prism answered with its own problem document \(500\)/])

  // What the overlay adds: a field the answer must have, and none it must not.
  const missing = await send(wrongPrism.url, 'PATCH', '/project/p/key/missing-field', headers('anything'), json({ label: 'x' }))
  t.equal(missing.status, 500, 'an answer without a required field is replaced')
  t.match(missing.json, { type: `${PRISM_ERRORS}VIOLATIONS`, validation: [{ location: ['response', 'body', 'key'], severity: 'Error', code: 'required' }] })
  const extra = await send(wrongPrism.url, 'PATCH', '/project/p/key/extra-field', headers('anything'), json({ label: 'x' }))
  t.equal(extra.status, 500, 'an answer with a field the contract lacks is replaced')
  t.match(extra.json, { type: `${PRISM_ERRORS}VIOLATIONS`, validation: [{ location: ['response', 'body', 'key'], severity: 'Error', code: 'additionalProperties' }] })

  const wrongStatus = await send(wrongPrism.url, 'PATCH', '/project/p/key/wrong-status', headers('anything'), json({ label: 'x' }))
  t.equal(wrongStatus.status, 403, 'a status outside the contract is only a warning: the answer passes through')
  t.match(contractProblems(wrongStatus), [/^sl-violations: .*"severity":"Warning".*Unable to match the returned status code/])

  const deadline = Date.now() + patience(3_000)
  while (!/Violation: response/.test(wrongPrism.proc.output()) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50))
  const problems = logProblems(wrongPrism.proc.output(), EXPECTED_REFUSAL)
  const violation = /✖ +error +Request terminated with error: https:\/\/stoplight\.io\/prism\/errors#VIOLATIONS/
  t.match(problems, [violation, violation, violation, /\[VALIDATOR\] ⚠ +warning +Violation: response Unable to match the returned status code/], 'the log scan flags all four')
  t.equal(problems.length, 4)
})
