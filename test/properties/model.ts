// An independent model of docs/api.md ("Authentication and status codes", "Request bodies") for the property tests: it must not import src/domain/rules.ts,
// so that the server's rules and these are two implementations checking each other.
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { FIXTURE } from '../helper.js'
import { INVALID as INVALID_ANSWER, SCOPE as SCOPE_ANSWER } from '../answers.js'

export const JSON_TYPE = 'application/json'
export const BODY_LIMIT = 16 * 1024
export const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

const REALM = 'Bearer realm="basic-admin"'
export const MISSING = { error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token>' }
export const INVALID = INVALID_ANSWER.body
export const SCOPE = SCOPE_ANSWER.body
export const NOT_FOUND = { error: 'API key not found' }
export const CHALLENGE = {
  missing: REALM,
  invalid: `${REALM}, error="invalid_token"`,
  scope: `${REALM}, error="insufficient_scope"`
}

/** What the server must answer: a 400 only has to name one of `hints` in its message. */
export type Expected =
  | { status: 200, body: { key: { id: string, label: string, roles: string, updated_at: string } } }
  | { status: 400, hints: string[] }
  | { status: 401 | 404, body: object, challenge?: string }

export const missing: Expected = { status: 401, body: MISSING, challenge: CHALLENGE.missing }
export const invalid: Expected = { status: 401, body: INVALID, challenge: CHALLENGE.invalid }
export const scope: Expected = { status: 401, body: SCOPE, challenge: CHALLENGE.scope }
export const notFound: Expected = { status: 404, body: NOT_FOUND }

// ---------------------------------------------------------------- body rules (docs/api.md, "Request bodies")

// ECMAScript's WhiteSpace and LineTerminator, the set the README's "trimmed" means.
const WHITESPACE = /^[\s]+|[\s]+$/g
const trim = (text: string): string => text.replace(WHITESPACE, '')

function codePoints (text: string): number[] {
  const points: number[] = []
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    const next = text.charCodeAt(i + 1)
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      points.push(0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00))
      i++
    } else {
      points.push(unit)
    }
  }
  return points
}

const isControl = (point: number): boolean => point <= 0x1f || (point >= 0x7f && point <= 0x9f)
// After pairing in codePoints, any surrogate left is unpaired: no UTF-8 can store it.
const isSurrogate = (point: number): boolean => point >= 0xd800 && point <= 0xdfff

export type Rule<T> = { ok: true, value: T } | { ok: false, hints: string[] }

export function modelLabel (label: string): Rule<string> {
  const points = codePoints(label)
  if (points.some(isControl)) return { ok: false, hints: ['control'] }
  if (points.some(isSurrogate)) return { ok: false, hints: ['label'] }
  const trimmed = trim(label)
  const length = codePoints(trimmed).length
  if (length < 1 || length > 255) return { ok: false, hints: ['label'] }
  return { ok: true, value: trimmed }
}

const ROLE_CHARS = new Set('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_.*-')

export function modelRoles (roles: string): Rule<string> {
  const hints: string[] = []
  const distinct: string[] = []
  for (const raw of roles.split(',')) {
    const role = trim(raw)
    if (role === '') hints.push('empty')
    else if (![...role].every(c => ROLE_CHARS.has(c))) hints.push(JSON.stringify(role))
    else if (!distinct.includes(role)) distinct.push(role)
  }
  if (hints.length > 0) return { ok: false, hints }
  if (distinct.length > 32) return { ok: false, hints: ['32'] }
  return { ok: true, value: distinct.join(',') }
}

export type Change = { label?: string, roles?: string }

// A loop, not recursion: bodies may nest thousands of levels deep.
function forbiddenKeys (value: unknown): string[] {
  const found: string[] = []
  const pending = [value]
  while (pending.length > 0) {
    const item = pending.pop()
    if (typeof item !== 'object' || item === null) continue
    for (const [key, child] of Object.entries(item)) {
      if (key === '__proto__' || key === 'constructor') found.push(JSON.stringify(key))
      pending.push(child)
    }
  }
  return found
}

/** The change a body asks for, or the hints a 400 must name; `text` is the body as the server decodes it. */
export function modelBody (text: string, contentType: string | undefined, validUtf8 = true): Rule<Change> {
  const media = contentType?.split(';')[0]?.trim().toLowerCase()
  if (media !== 'application/json') return { ok: false, hints: ['Content-Type', 'body'] }
  if (Buffer.byteLength(text) > BODY_LIMIT) return { ok: false, hints: ['larger'] }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]
  if (charset !== undefined && !['utf-8', 'utf8'].includes(charset.toLowerCase())) return { ok: false, hints: ['charset'] }
  if (!validUtf8) return { ok: false, hints: ['UTF-8'] }
  if (trim(text) === '') return { ok: false, hints: ['empty'] }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, hints: ['JSON'] }
  }
  const forbidden = forbiddenKeys(value)
  if (forbidden.length > 0) return { ok: false, hints: forbidden }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, hints: ['JSON object'] }
  const fields = value as Record<string, unknown>
  const hints: string[] = []
  for (const key of Object.keys(fields)) {
    if (key !== 'label' && key !== 'roles') hints.push(JSON.stringify(key))
    else if (typeof fields[key] !== 'string') hints.push(key)
  }
  if (Object.keys(fields).length === 0) hints.push('at least one')
  if (hints.length > 0) return { ok: false, hints }
  const change: Change = {}
  if (typeof fields.label === 'string') {
    const label = modelLabel(fields.label)
    if (label.ok) change.label = label.value
    else hints.push(...label.hints)
  }
  if (typeof fields.roles === 'string') {
    const roles = modelRoles(fields.roles)
    if (roles.ok) change.roles = roles.value
    else hints.push(...roles.hints)
  }
  return hints.length > 0 ? { ok: false, hints } : { ok: true, value: change }
}

/** Ids the store could hold (docs/api.md, "Request bodies"); anything else is a 404. */
export function possibleId (id: string): boolean {
  return id.length >= 1 && id.length <= 128 && /^[A-Za-z0-9_-]*$/.test(id)
}

/** Percent-encodes every byte of the id's UTF-8 but the unreserved ones, as a client would. */
export function encodeId (id: string): string {
  return [...Buffer.from(id, 'utf8')].map(byte => {
    const c = String.fromCharCode(byte)
    return /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }).join('')
}

// ---------------------------------------------------------------- state (docs/api.md)

export interface ModelKey {
  id: string
  project_id: string
  label: string
  roles: string
  key_hash: string
  created_at: number
  updated_at: number
  last_used: number | null
}

export type Model = Map<string, ModelKey>

export const MEMBERS = new Map<string, Map<string, string>>(
  (FIXTURE.projects ?? []).map(p => [p.id, new Map((p.members ?? []).map(m => [m.user, m.role]))]))

/** The api_keys table right after the fixture is loaded at time `now`. */
export function initialModel (now: number): Model {
  const model: Model = new Map()
  for (const project of FIXTURE.projects ?? []) {
    for (const key of project.keys ?? []) {
      const label = modelLabel(key.label)
      const roles = modelRoles(key.roles)
      if (!label.ok || !roles.ok) throw new Error(`fixture key ${key.id} breaks the body rules`)
      model.set(key.id, {
        id: key.id,
        project_id: project.id,
        label: label.value,
        roles: roles.value,
        key_hash: createHash('sha256').update(key.value).digest('hex'),
        created_at: now,
        updated_at: now,
        last_used: null
      })
    }
  }
  return model
}

/** The model of a table as read back (TABLE_SQL), to predict one request from the current state. */
export function modelFrom (rows: ModelKey[]): Model {
  return new Map(rows.map(row => [row.id, { ...row }]))
}

export function modelRows (model: Model): ModelKey[] {
  return [...model.values()].map(k => ({ ...k })).sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The api_keys table in the model's shape (the hash as hex). */
export const TABLE_SQL = 'SELECT id, project_id, label, roles, lower(hex(key_hash)) AS key_hash, created_at, updated_at, last_used FROM api_keys ORDER BY id'

/** A caller as the server should see it, resolved against the model's current roles. */
export type Credential =
  | { kind: 'missing' }
  | { kind: 'invalid' }
  | { kind: 'user', user: string }
  | { kind: 'key', key: string }

/**
 * One PATCH through the model: the expected answer, and the model updated in place when it is a 200.
 * Order of README "Authentication and status codes": 401 credentials, 400 body, 404 hidden, 401 scope, 404 missing key.
 */
export function modelPatch (model: Model, caller: Credential, project: string, keyId: string, body: Rule<Change>, now: number): Expected {
  if (caller.kind === 'missing') return missing
  if (caller.kind === 'invalid') return invalid
  const callerKey = caller.kind === 'key' ? model.get(caller.key) : undefined
  // A key that the model no longer holds would be an unknown secret (nothing deletes keys here).
  if (caller.kind === 'key' && callerKey === undefined) return invalid
  if (!body.ok) return { status: 400, hints: body.hints }
  if (!possibleId(project) || !possibleId(keyId)) return notFound
  let access: 'manage' | 'view' | 'none'
  if (callerKey !== undefined) {
    access = callerKey.project_id !== project ? 'none' : callerKey.roles.split(',').includes('admin') ? 'manage' : 'view'
  } else {
    const role = caller.kind === 'user' ? MEMBERS.get(project)?.get(caller.user) : undefined
    access = role === undefined ? 'none' : role === 'member' ? 'view' : 'manage'
  }
  if (access === 'none') return notFound
  if (access === 'view') return scope
  const target = model.get(keyId)
  if (target === undefined || target.project_id !== project) return notFound
  if (body.value.label !== undefined) target.label = body.value.label
  if (body.value.roles !== undefined) target.roles = body.value.roles
  // Strictly forward even when the clock stands still or steps back.
  target.updated_at = Math.max(now, target.updated_at + 1)
  if (callerKey !== undefined) callerKey.last_used = now
  return { status: 200, body: { key: { id: target.id, label: target.label, roles: target.roles, updated_at: new Date(target.updated_at).toISOString() } } }
}

// ---------------------------------------------------------------- checking an answer

export interface Answer {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}

/** Throws (with the step named) unless the answer is exactly the expected one. */
export function checkAnswer (where: string, res: Answer, expected: Expected): void {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}\n  expected ${JSON.stringify(expected)}\n  got ${res.statusCode} ${res.body} (www-authenticate: ${String(res.headers['www-authenticate'])})`)
  }
  if (![200, 400, 401, 404].includes(res.statusCode)) fail(`status ${res.statusCode} is not one the contract lists`)
  if (res.statusCode !== expected.status) fail('wrong status')
  if (res.headers['content-type'] !== JSON_TYPE) fail(`content-type ${String(res.headers['content-type'])}`)
  const challenge = 'challenge' in expected ? expected.challenge : undefined
  if (res.headers['www-authenticate'] !== challenge) fail('wrong WWW-Authenticate')
  let body: unknown
  try {
    body = JSON.parse(res.body)
  } catch {
    fail('body is not JSON')
  }
  if (expected.status === 400) {
    const b = body as Record<string, unknown>
    if (JSON.stringify(Object.keys(b)) !== '["error","message"]' || b.error !== 'Bad Request') fail('400 body is not {error:"Bad Request", message}')
    if (typeof b.message !== 'string' || b.message === '') fail('400 message is empty')
    if (!expected.hints.some(hint => (b.message as string).includes(hint))) fail(`400 message names none of ${JSON.stringify(expected.hints)}`)
    return
  }
  if (!sameJson(body, expected.body)) fail('wrong body')
  if (expected.status === 200 && !ISO_MS.test(expected.body.key.updated_at)) fail('updated_at is not ISO 8601 with milliseconds')
}

/** Deep equality that also requires the same keys (no extra fields), in any order. */
export function sameJson (a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b)
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a).sort()
  const kb = Object.keys(b).sort()
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] &&
    sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

// ---------------------------------------------------------------- generators

const WS = fc.constantFrom(' ', '  ', '\u00a0', '\u3000', '\u2028', '\ufeff')
const pad = (core: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(fc.option(WS, { nil: '' }), core, fc.option(WS, { nil: '' })).map(([a, b, c]) => a + b + c)

const goodLabelArb = pad(fc.oneof(fc.constantFrom('CI', 'Nightly build', 'Read key', '\u{1F511} key', 'Été', '日本語', 'a\u200bb'), fc.string({ minLength: 1, maxLength: 12 })))

/** Labels: mostly valid, and every way docs/api.md, "Request bodies" refuses one. */
export const labelArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: goodLabelArb },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\u3000 \u00a0', '\t', '\n') },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom('\u0000', '\u0007', '\t', '\n', '\u001f', '\u007f', '\u0085', '\u009f'), fc.string({ maxLength: 4 }))
      .map(([a, c, b]) => a + c + b)
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '\u{1F511}'), fc.integer({ min: 253, max: 258 }), fc.boolean()).map(([c, n, padded]) => padded ? ` ${c.repeat(n)} ` : c.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('a\ud800b', '\udfff', 'x\udc00', '\ud83d') }
)

const roleName = fc.oneof(
  fc.constantFrom('admin', 'read', 'write', 'app:db:read', '*', 'a.b', 'x-y', 'Admin', 'admin '),
  fc.stringMatching(/^[A-Za-z0-9:_.*-]{1,8}$/)
)
const badRole = fc.constantFrom('', ' ', 'read write', 'db/write', 'é', 'a\u0000', 'ad;min', '"x"')
const roleItem = fc.tuple(fc.constantFrom('', ' ', '  ', '\t', '\u00a0'), fc.oneof({ weight: 5, arbitrary: roleName }, { weight: 1, arbitrary: badRole }), fc.constantFrom('', ' ', '\n'))
  .map(([a, b, c]) => a + b + c)

const goodRolesArb = fc.array(fc.tuple(fc.constantFrom('', ' ', '\t'), roleName, fc.constantFrom('', ' ')).map(([a, b, c]) => a + b + c), { minLength: 1, maxLength: 4 })
  .map(items => items.join(','))

/** Roles: lists with padding and duplicates, bad items, and lists near the 32-role limit. */
export const rolesArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(roleItem, { minLength: 1, maxLength: 6 }).map(items => items.join(',')) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 30, max: 34 }), fc.integer({ min: 0, max: 5 }), fc.boolean())
      .map(([n, dup, admin]) => [...(admin ? ['admin'] : []), ...Array.from({ length: n }, (_, i) => `r${i}`), ...Array.from({ length: dup }, (_, i) => ` r${i} `)].join(','))
  }
)

const wrongType = fc.constantFrom<unknown>(123, 0, true, false, null, ['x'], {}, { a: 'b' }, { constructor: 1 })
const unknownKey = fc.constantFrom('scope', 'Label', 'ROLES', 'id', 'updated_at', '', 'key', 'label ', '__proto__', 'constructor')

const members = (list: Array<[string, unknown]>): string => `{${list.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`

/** A JSON body as text: object members written one by one so that __proto__ and duplicate keys survive. */
export const bodyTextArb: fc.Arbitrary<string> = fc.oneof(
  {
    // Bodies the rules accept, so that sequences do change state.
    weight: 8,
    arbitrary: fc.oneof(
      goodLabelArb.map(label => members([['label', label]])),
      goodRolesArb.map(roles => members([['roles', roles]])),
      fc.tuple(goodLabelArb, goodRolesArb).map(([label, roles]) => members([['label', label], ['roles', roles]]))
    )
  },
  {
    weight: 8,
    arbitrary: fc.record({
      label: fc.oneof({ weight: 8, arbitrary: labelArb }, { weight: 1, arbitrary: wrongType }),
      roles: fc.oneof({ weight: 8, arbitrary: rolesArb }, { weight: 1, arbitrary: wrongType }),
      extra: fc.tuple(unknownKey, fc.oneof(fc.string({ maxLength: 4 }), wrongType))
    }, { requiredKeys: [] }).map(({ label, roles, extra }) => {
      const list: Array<[string, unknown]> = []
      if (label !== undefined) list.push(['label', label])
      if (roles !== undefined) list.push(['roles', roles])
      if (extra !== undefined) list.push(extra)
      return members(list)
    })
  },
  { weight: 1, arbitrary: fc.constantFrom('null', '[]', '[{"label":"x"}]', '"x"', '42', 'true', '{}', '{"label":"a","label":"Last wins"}') }
)
