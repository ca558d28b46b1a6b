// Hostile inputs for PATCH /project/:id/key/:key_id (arbitrary bodies, content types, path ids, Authorization values):
// never a 500, only the contract's statuses, and exactly the model's answer and table (test/properties/model.ts).
// A failure prints fast-check's seed; FC_SEED=<seed> npx tap <this file> replays it.
import t, { type Test } from 'tap'
import { isUtf8 } from 'node:buffer'
import fc from 'fast-check'
import { build, bearer, SECRETS, userToken } from '../helper.js'
import {
  BODY_LIMIT, checkAnswer, encodeId, modelBody, modelFrom, modelPatch, modelRows, sameJson, TABLE_SQL,
  labelArb, rolesArb, type Credential, type Expected, type ModelKey
} from './model.js'

const T0 = Date.parse('2026-04-01T00:00:00.000Z')
const OWNER: Credential = { kind: 'user', user: 'user_owner' }
const fcOptions = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  ...(process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED) })
})

// Undefined sends no Content-Type at all; the README accepts application/json with any parameters.
const CONTENT_TYPES = [
  undefined, '', 'application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=utf-16',
  'application/json ; x=y', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream',
  'multipart/form-data; boundary=x', 'application/jsonx', 'application/vnd.api+json', 'text/json'
] as const
const contentTypeArb = fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) })

interface Harness {
  /** Sends one PATCH and checks answer and table against the model, from the table as it was just before. */
  patch: (options: { project?: string, key?: string, payload?: string | Buffer, contentType?: string | undefined, headers?: Record<string, string> },
    predict: (model: ReturnType<typeof modelFrom>, now: number) => Expected, accept?: (res: { statusCode: number, body: string }) => boolean) => Promise<number>
}

async function harness (t: Test): Promise<Harness> {
  let now = T0
  const { app } = await build(t, { clock: { now: () => now } })
  const owner = bearer(await userToken('user_owner'))
  const table = (): ModelKey[] => app.world.db.prepare(TABLE_SQL).all() as ModelKey[]
  return {
    async patch (options, predict, accept) {
      now += 1
      const before = table()
      const model = modelFrom(before)
      const expected = predict(model, now)
      const { project = 'proj_one', key = 'key_read', payload, contentType, headers = owner } = options
      const res = await app.inject({
        method: 'PATCH',
        url: `/project/${encodeId(project)}/key/${encodeId(key)}`,
        headers: { ...headers, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
        ...(payload === undefined ? {} : { payload })
      })
      const text = payload?.toString()
      const shown = text === undefined || text.length <= 300 ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, 150))}...${JSON.stringify(text.slice(-50))} (${text.length} characters)`
      const where = `PATCH /project/${JSON.stringify(project.slice(0, 150))}/key/${JSON.stringify(key.slice(0, 150))} content-type ${JSON.stringify(contentType)} body ${shown}`
      if (accept?.(res) !== true) checkAnswer(where, res, expected)
      const after = table()
      if (!sameJson(after, modelRows(model))) {
        throw new Error(`${where}: api_keys differs from the model\n  before ${JSON.stringify(before)}\n  expected ${JSON.stringify(modelRows(model))}\n  got ${JSON.stringify(after)}`)
      }
      return res.statusCode
    }
  }
}

// The body as the server reads it: the bytes inject sends (strings as UTF-8); bytes that are not UTF-8 are refused.
const bytesOf = (payload: string | Buffer | undefined): Buffer => payload === undefined ? Buffer.alloc(0) : typeof payload === 'string' ? Buffer.from(new TextEncoder().encode(payload)) : payload
const decode = (bytes: Buffer): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
const predictBody = (payload: string | Buffer | undefined, contentType: string | undefined) => (model: ReturnType<typeof modelFrom>, now: number): Expected => {
  const bytes = bytesOf(payload)
  return modelPatch(model, OWNER, 'proj_one', 'key_read', modelBody(decode(bytes), contentType, isUtf8(bytes)), now)
}

/** JSON.stringify that cannot throw on what fc.object may generate. */
const serialise = (value: unknown): string => JSON.stringify(value, (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v) ?? 'undefined'

const tally = (statuses: number[]): string => JSON.stringify(statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {}))

t.test('any JSON value as the body answers 200 or 400 as the model predicts, and a 400 changes nothing', async t => {
  const { patch } = await harness(t)
  const statuses: number[] = []
  const nearValid = fc.record({
    label: fc.oneof(labelArb, fc.string({ unit: 'binary', maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
    roles: fc.oneof(rolesArb, fc.string({ unit: 'binary-ascii', maxLength: 20 }), fc.jsonValue({ maxDepth: 1 }))
  }, { requiredKeys: [] })
  const withExtra = fc.tuple(nearValid, fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'label', 'roles')), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }))
    .map(([a, b]) => ({ ...b, ...a }))
  const valueArb = fc.oneof(
    { weight: 3, arbitrary: nearValid.map(serialise) },
    { weight: 1, arbitrary: withExtra.map(serialise) },
    { weight: 1, arbitrary: fc.jsonValue().map(serialise) },
    { weight: 1, arbitrary: fc.object({ maxDepth: 2 }).map(serialise) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }).map(serialise) }
  )
  await fc.assert(fc.asyncProperty(valueArb, async text => {
    statuses.push(await patch({ payload: text, contentType: 'application/json' }, predictBody(text, 'application/json')))
  }), fcOptions(600))
  t.ok(statuses.includes(200) && statuses.includes(400), `both outcomes seen ${tally(statuses)}`)
})

t.test('any bytes with any content type answer 200 or 400 as the model predicts, and a 400 changes nothing', async t => {
  const { patch } = await harness(t)
  const statuses: number[] = []
  const valid = fc.tuple(labelArb, rolesArb).map(([label, roles]) => Buffer.from(JSON.stringify({ label, roles })))
  const bytesArb = fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }).map(a => Buffer.from(a)) },
    // Valid JSON with bytes spliced in: often no longer UTF-8, which the server refuses rather than store U+FFFD.
    { weight: 3, arbitrary: fc.tuple(valid, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 3 })).map(([b, at, bytes]) => Buffer.concat([b.subarray(0, at % b.length), bytes, b.subarray(at % b.length)])) },
    { weight: 2, arbitrary: valid },
    { weight: 1, arbitrary: fc.integer({ min: BODY_LIMIT - 40, max: BODY_LIMIT + 40 }).map(n => Buffer.from(`{"label":"${'x'.repeat(n - 12)}"}`)) }
  )
  await fc.assert(fc.asyncProperty(bytesArb, contentTypeArb, async (payload, contentType) => {
    statuses.push(await patch({ payload, contentType }, predictBody(payload, contentType)))
  }), fcOptions(600))
  t.ok(statuses.includes(200) && statuses.includes(400), `both outcomes seen ${tally(statuses)}`)
})

t.test('any string with any content type answers 200 or 400 as the model predicts, and a 400 changes nothing', async t => {
  const { patch } = await harness(t)
  const statuses: number[] = []
  const stringArb = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.json({ maxDepth: 2 }),
    // Valid bodies with one character inserted or dropped.
    fc.tuple(labelArb, fc.nat(), fc.string({ unit: 'binary', maxLength: 2 })).map(([label, at, s]) => {
      const text = JSON.stringify({ label })
      return text.slice(0, at % text.length) + s + text.slice((at % text.length) + (s === '' ? 1 : 0))
    })
  )
  await fc.assert(fc.asyncProperty(stringArb, contentTypeArb, async (payload, contentType) => {
    statuses.push(await patch({ payload, contentType }, predictBody(payload, contentType)))
  }), fcOptions(600))
  t.ok(statuses.includes(400), `outcomes ${tally(statuses)}`)
})

t.test('JSON nested thousands of levels deep under the size limit answers as the model predicts, never a 500', async t => {
  const { patch } = await harness(t)
  // The leaf decides whether the parser has to look for __proto__ and constructor keys on the way.
  const leafArb = fc.constantFrom('"\\u0061"', '"proto"', '"constructor"', '1', '{"__proto__":1}')
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 8000 }), fc.constantFrom('[', '{"a":'), leafArb, fc.boolean(), async (depth, open, leaf, labelOnly) => {
    const close = (open === '[' ? ']' : '}').repeat(depth)
    // As the value of label the nesting is a wrong type; beside it, an unknown property.
    const payload = labelOnly ? `{"label":${open.repeat(depth)}${leaf}${close}}` : `{"label":"Deep","x":${open.repeat(depth)}${leaf}${close}}`
    await patch({ payload, contentType: 'application/json' }, predictBody(payload, 'application/json'))
  }), {
    ...fcOptions(60),
    // A reviver that recursed through 5,000 nested arrays overflowed the stack: a 500 instead of a 400.
    examples: [[5000, '[', '"\\u0061"', false], [8000, '[', '"proto"', true]]
  })
  t.pass('every depth answered as the model predicts')
})

t.test('any path ids answer 404 unless both name a key the caller manages, never a 500, and a 404 changes nothing', async t => {
  const { patch } = await harness(t)
  const statuses: number[] = []
  const validChars = fc.constantFrom('a', 'Z', '0', '9', '_', '-')
  const idArb = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('proj_one', 'proj_two', 'key_read', 'key_admin', 'key_two_read', 'proj_missing', '', '.', '..') },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
    { weight: 1, arbitrary: fc.string({ unit: validChars, minLength: 120, maxLength: 140 }) },
    { weight: 1, arbitrary: fc.string({ unit: validChars, minLength: 1000, maxLength: 5000 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/) }
  )
  // A dot segment or an empty segment changes the URL itself: a path no route has (404), or another route's path
  // (`/project/./key/key` is `/project/key/key`, the list of project "key": 405, since PATCH is not one of its methods).
  const oddSegment = (id: string): boolean => id === '' || id === '.' || id === '..'
  const body = '{"label":"Renamed"}'
  const pairArb = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(idArb, idArb) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('proj_one'), idArb) },
    { weight: 1, arbitrary: fc.tuple(idArb, fc.constant('key_read')) },
    { weight: 1, arbitrary: fc.constantFrom(['proj_one', 'key_read'], ['proj_one', 'key_admin'], ['proj_two', 'key_two_read'], ['proj_one', 'key_two_read']) }
  )
  await fc.assert(fc.asyncProperty(pairArb, async ([project, key]) => {
    const routeNotFound = (res: { statusCode: number, body: string }): boolean => (oddSegment(project) || oddSegment(key)) && (
      (res.statusCode === 404 && /^\{"error":"Not Found","message":"Route PATCH [^"]* not found"\}$/.test(res.body)) ||
      (res.statusCode === 405 && /^\{"error":"Method Not Allowed","message":"Route PATCH \/project\/[^/"]*\/key not allowed: this path takes GET, HEAD, POST"\}$/.test(res.body)))
    statuses.push(await patch({ project, key, payload: body, contentType: 'application/json' },
      (model, now) => modelPatch(model, OWNER, project, key, modelBody(body, 'application/json'), now), routeNotFound))
  }), {
    ...fcOptions(600),
    examples: [[['proj_one', 'k'.repeat(129)]], [['p'.repeat(129), 'key_read']], [['proj_one', 'key\u0000']], [['proj_one', 'a\ud800']]]
  })
  t.ok(statuses.includes(200) && statuses.includes(404), `outcomes ${tally(statuses)}`)
})

t.test('any Authorization value answers 200, 401 or 404 as the model predicts, never a 500', async t => {
  const { patch } = await harness(t)
  const statuses: number[] = []
  const tokens = new Map<string, Credential>([
    [await userToken('user_owner'), OWNER],
    [await userToken('user_member'), { kind: 'user', user: 'user_member' }],
    [await userToken('user_outsider'), { kind: 'user', user: 'user_outsider' }],
    [await userToken('user_nobody'), { kind: 'user', user: 'user_nobody' }],
    [SECRETS.key_admin, { kind: 'key', key: 'key_admin' }],
    [SECRETS.key_read, { kind: 'key', key: 'key_read' }],
    [SECRETS.key_two_admin, { kind: 'key', key: 'key_two_admin' }]
  ])
  // Only what HTTP allows in a field value (HTAB, SP, VCHAR, obs-text): Node refuses anything else before the app.
  const fieldChar = fc.oneof(fc.constantFrom('\t', ' '), fc.integer({ min: 0x21, max: 0x7e }).map(c => String.fromCharCode(c)), fc.integer({ min: 0x80, max: 0xff }).map(c => String.fromCharCode(c)))
  const known = fc.constantFrom(...tokens.keys())
  const mutated = fc.tuple(known, fc.nat(), fc.string({ unit: fieldChar, maxLength: 2 })).map(([token, at, s]) => {
    const i = at % token.length
    return token.slice(0, i) + s + token.slice(i + (s === '' ? 1 : 0))
  })
  const tokenArb = fc.oneof(
    { weight: 3, arbitrary: known },
    mutated,
    fc.string({ unit: fieldChar, maxLength: 30 }).map(s => `basic_key_${s}`),
    fc.tuple(...[0, 1, 2].map(() => fc.stringMatching(/^[A-Za-z0-9_-]{0,20}$/))).map(parts => parts.join('.')),
    fc.string({ unit: fieldChar, maxLength: 30 })
  )
  const headerArb = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'BeArEr', 'Basic', 'Token', 'Bearer:', ''), fc.constantFrom(' ', '  ', '\t', ' \t', ''), tokenArb, fc.constantFrom('', ' ', '\t', '\u00a0')).map(parts => parts.join('')) },
    { weight: 1, arbitrary: fc.string({ unit: fieldChar, maxLength: 60 }) }
  )
  // The README's first rows: a scheme other than Bearer or an empty token is "missing"; any other token must be a live credential.
  const credential = (value: string): Credential => {
    const [, scheme = '', rest = ''] = /^([^ \t]*)([^]*)$/.exec(value) ?? []
    const token = rest.replace(/^[\s]+|[\s]+$/g, '')
    if (scheme.toLowerCase() !== 'bearer' || token === '') return { kind: 'missing' }
    return tokens.get(token) ?? { kind: 'invalid' }
  }
  const body = '{"label":"Renamed"}'
  await fc.assert(fc.asyncProperty(headerArb, async authorization => {
    statuses.push(await patch({ payload: body, contentType: 'application/json', headers: { authorization } },
      (model, now) => modelPatch(model, credential(authorization), 'proj_one', 'key_read', modelBody(body, 'application/json'), now)))
  }), fcOptions(600))
  t.ok([200, 401, 404].every(s => statuses.includes(s)), `outcomes ${tally(statuses)}`)
})
