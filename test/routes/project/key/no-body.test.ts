// For the operations without a request body (docs/api.md, "Request bodies"): a body with content is a 400 that changes
// nothing (a GET's is ignored), while no body, or an empty or blank one under any content type, is accepted.
import t from 'tap'
import { bearer, build, SECRETS, userToken } from '../../../helper.js'
import { call, NO_BODY_MESSAGE, OPERATIONS, restore, snapshot } from './operations.js'

// Each with a key the call may use.
const TARGETS = { list: { project: 'proj_one', key: '' }, get: { project: 'proj_one', key: 'key_read' }, delete: { project: 'proj_one', key: 'key_read' }, regenerate: { project: 'proj_one', key: 'key_read' } } as const

for (const op of OPERATIONS.filter(op => op.body === undefined)) {
  const target = TARGETS[op.name as keyof typeof TARGETS]
  const auth = bearer(SECRETS.key_admin)
  const JSON_TYPE = { 'content-type': 'application/json' }
  const refusedBodies: Array<[string, string, Record<string, string>, string]> = [
    ['a JSON object', '{"label":"x"}', JSON_TYPE, NO_BODY_MESSAGE],
    ['an empty JSON object', '{}', JSON_TYPE, NO_BODY_MESSAGE],
    ['JSON null', 'null', JSON_TYPE, NO_BODY_MESSAGE],
    ['malformed JSON', '{"label":', JSON_TYPE, NO_BODY_MESSAGE],
    ['a text/plain body', 'hello', { 'content-type': 'text/plain' }, NO_BODY_MESSAGE],
    ['a form body', 'label=x', { 'content-type': 'application/x-www-form-urlencoded' }, NO_BODY_MESSAGE],
    ['a body without a content type', '{}', { 'transfer-encoding': 'chunked' }, NO_BODY_MESSAGE]
  ]
  if (op.method === 'GET') {
    t.test(`${op.name}: a GET's body is never read: the answer is the one without a body`, async t => {
      const { app, rows } = await build(t)
      const owner = bearer(await userToken('user_owner'))
      const plain = await call(app, op, target.project, target.key, owner)
      t.equal(plain.statusCode, 200)
      const before = rows()
      for (const [what, payload, headers] of refusedBodies) {
        const res = await app.inject({ method: op.method, url: op.url(target.project, target.key), headers: { ...owner, ...headers }, payload })
        t.equal(res.statusCode, 200, what)
        t.equal(res.body, plain.body, what)
      }
      t.strictSame(rows(), before)
    })
    continue
  }
  t.test(`${op.name}: a request body with content is refused with 400 and changes nothing`, async t => {
    const { app, rows } = await build(t)
    const before = rows()
    for (const [what, payload, headers, message] of refusedBodies) {
      const res = await app.inject({ method: op.method, url: op.url(target.project, target.key), headers: { ...auth, ...headers }, payload })
      t.equal(res.statusCode, 400, what)
      t.strictSame(res.json(), { error: 'Bad Request', message }, what)
      t.strictSame(rows(), before, `${what}: no row changed, not even the caller's last_used`)
    }
  })

  const accepted: Array<[string, string | undefined, Record<string, string>]> = [
    ['no body and no content type', undefined, {}],
    ['an empty body with the JSON content type', '', { 'content-type': 'application/json' }],
    ['a body of only whitespace with the JSON content type', ' \r\n', { 'content-type': 'application/json; charset=utf-8' }],
    // What clients send for "POST with no body": curl -d '' and Java a form type, fetch with body '' text/plain.
    ['an empty body with a form content type', '', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['an empty body with text/plain', '', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['an empty chunked body without a content type', '', { 'transfer-encoding': 'chunked' }],
    // Blanks are no content whatever the type says: the same answer as with the JSON type above.
    ['a body of only whitespace with text/plain', ' \r\n', { 'content-type': 'text/plain' }],
    ['a body of only whitespace with a form content type', '  ', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['a chunked body of only whitespace without a content type', '\t ', { 'transfer-encoding': 'chunked' }]
  ]
  t.test(`${op.name}: no body, or an empty one under any content type, is accepted`, async t => {
    const { app } = await build(t)
    const saved = snapshot(app)
    for (const [what, payload, headers] of accepted) {
      const res = await app.inject({ method: op.method, url: op.url(target.project, target.key), headers: { ...auth, ...headers }, ...(payload === undefined ? {} : { payload }) })
      t.equal(res.statusCode, 200, `${what}: ${res.body}`)
      // Each case meets the key as it was: a delete or regeneration is undone.
      restore(app, saved)
    }
  })
}
