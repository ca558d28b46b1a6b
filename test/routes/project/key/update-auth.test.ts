// docs/api.md, "Authentication and status codes" for PATCH /project/:id/key/:key_id: every row, exact answer, nothing changed on refusal.
import t from 'tap'
import { INVALID as invalid, MISSING as missing, NOT_FOUND as notFound, SCOPE as scope } from '../../../answers.js'
import { build, bearer, patchKey, SECRETS, userToken } from '../../../helper.js'

const now = (): number => Math.floor(Date.now() / 1000)

type Expect = { status: number, body: object, challenge?: string }

// Each case: how the caller authenticates (built lazily: some need jose), and the exact answer.
const cases: Array<[string, () => Promise<Record<string, string>>, Expect]> = [
  ['no Authorization header', async () => ({}), missing],
  ['a Basic scheme', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), missing],
  ['"Bearer" with no token', async () => ({ authorization: 'Bearer' }), missing],
  ['a JWT signed with another secret', async () => bearer(await userToken('user_owner', { secret: 'another-secret-that-is-also-32-bytes-long' })), invalid],
  ['a JWT with alg none', async () => {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    return bearer(`${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'user_owner', exp: now() + 600 })}.`)
  }, invalid],
  ['a JWT with alg none and a junk signature', async () => {
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
    return bearer(`${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'user_owner', exp: now() + 600 })}.c2ln`)
  }, invalid],
  ['a JWT with a tampered payload', async () => {
    const [head, , sig] = (await userToken('user_member')).split('.')
    return bearer(`${head}.${Buffer.from(JSON.stringify({ sub: 'user_owner', exp: now() + 600 })).toString('base64url')}.${sig}`)
  }, invalid],
  ['a JWT expired beyond the 30 s tolerance', async () => bearer(await userToken('user_owner', { expiresIn: -31 })), invalid],
  ['a JWT expired within the 30 s tolerance', async () => bearer(await userToken('user_owner', { expiresIn: -20 })), { status: 200, body: {} }],
  ['a JWT without exp', async () => bearer(await userToken('user_owner', { claims: { exp: undefined } })), invalid],
  ['a JWT without sub', async () => bearer(await userToken(undefined)), invalid],
  ['a JWT with nbf in the future', async () => bearer(await userToken('user_owner', { claims: { nbf: now() + 120 } })), invalid],
  ['an unknown API key', async () => bearer('basic_key_unknown_00000000000000000000000000'), invalid],
  ['a token that is neither a JWT nor an API key', async () => bearer('hello-world'), invalid],
  ['a valid JWT of an unknown user', async () => bearer(await userToken('user_nobody')), notFound],
  ['a non-member user', async () => bearer(await userToken('user_outsider')), notFound],
  ['an admin key of another project', async () => bearer(SECRETS.key_two_admin), notFound],
  ['a plain member', async () => bearer(await userToken('user_member')), scope],
  ['a non-admin key of the project', async () => bearer(SECRETS.key_read), scope],
  ['the project owner', async () => bearer(await userToken('user_owner')), { status: 200, body: {} }],
  ['an admin member', async () => bearer(await userToken('user_admin')), { status: 200, body: {} }],
  ['an admin key of the project', async () => bearer(SECRETS.key_admin), { status: 200, body: {} }],
  ['the scheme in lower case', async () => ({ authorization: `bearer ${SECRETS.key_admin}` }), { status: 200, body: {} }],
  ['the scheme in upper case with extra spaces', async () => ({ authorization: `BEARER   ${SECRETS.key_admin}` }), { status: 200, body: {} }]
]

for (const [name, auth, expected] of cases) {
  t.test(`${name}: ${expected.status}${expected.challenge === undefined ? '' : ` (${expected.challenge})`}`, async t => {
    const { app, rows, row } = await build(t)
    const before = rows()
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Changed' }, await auth())
    t.equal(res.statusCode, expected.status)
    t.equal(res.headers['content-type'], 'application/json')
    if (expected.status === 200) {
      t.equal(res.json().key.label, 'Changed')
      t.equal(row('key_read')?.label, 'Changed')
      return
    }
    t.same(res.json(), expected.body)
    t.strictSame(Object.keys(res.json()), Object.keys(expected.body), 'no extra fields')
    t.equal(res.headers['www-authenticate'], expected.challenge)
    t.strictSame(rows(), before, 'no row changed')
  })
}

t.test('unknown keys, forged JWTs and garbage get byte-identical answers', async t => {
  const { app } = await build(t)
  const answers = await Promise.all([
    bearer('basic_key_unknown_00000000000000000000000000'),
    bearer(await userToken('user_owner', { secret: 'another-secret-that-is-also-32-bytes-long' })),
    bearer(await userToken('user_owner', { expiresIn: -3600 })),
    bearer('not-a-token')
  ].map(headers => patchKey(app, 'proj_one', 'key_read', { label: 'x' }, headers)))
  for (const res of answers.slice(1)) {
    t.equal(res.body, answers[0]!.body)
    t.equal(res.headers['www-authenticate'], answers[0]!.headers['www-authenticate'])
    t.equal(res.headers['content-length'], answers[0]!.headers['content-length'])
  }
})

t.test('a missing key, a key of another project and a hidden project give the same 404', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  const auth = bearer(await userToken('user_owner'))
  for (const [project, key] of [['proj_one', 'key_missing'], ['proj_one', 'key_two_read'], ['proj_two', 'key_two_read'], ['proj_missing', 'key_read']] as const) {
    const res = await patchKey(app, project, key, { label: 'x' }, auth)
    t.equal(res.statusCode, 404, `${project}/${key}`)
    t.equal(res.body, '{"error":"API key not found"}')
    t.equal(res.headers['www-authenticate'], undefined)
  }
  t.strictSame(rows(), before)
})

t.test('iss and aud are enforced when configured', async t => {
  const { app, row } = await build(t, { config: { JWT_ISSUER: 'https://issuer.test', JWT_AUDIENCE: 'basic-admin' } })
  const good = { iss: 'https://issuer.test', aud: 'basic-admin' }
  for (const claims of [{ ...good, iss: 'https://evil.test' }, { ...good, aud: 'someone-else' }, { aud: 'basic-admin' }, { iss: 'https://issuer.test' }]) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Refused' }, bearer(await userToken('user_owner', { claims })))
    t.equal(res.statusCode, 401, JSON.stringify(claims))
    t.equal(res.headers['www-authenticate'], invalid.challenge)
  }
  t.equal(row('key_read')?.label, 'Read key')
  const ok = await patchKey(app, 'proj_one', 'key_read', { label: 'Accepted' }, bearer(await userToken('user_owner', { claims: { ...good, aud: ['other', 'basic-admin'] } })))
  t.equal(ok.statusCode, 200)
  t.equal(row('key_read')?.label, 'Accepted')
})

t.test('last_used of the calling key moves only on success', async t => {
  const clock = { now: () => 1_800_000_000_000 }
  const { app, row } = await build(t, { clock })
  t.equal(row('key_admin')?.last_used, null)
  await patchKey(app, 'proj_one', 'key_read', { label: '' }, bearer(SECRETS.key_admin))
  t.equal(row('key_admin')?.last_used, null, 'a 400 leaves it')
  await patchKey(app, 'proj_one', 'key_missing', { label: 'x' }, bearer(SECRETS.key_admin))
  t.equal(row('key_admin')?.last_used, null, 'a 404 leaves it')
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 200)
  t.equal(row('key_admin')?.last_used, 1_800_000_000_000)
})

t.test('a caller who sees the project but may not manage it gets insufficient_scope whether or not the key exists', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  for (const headers of [bearer(await userToken('user_member')), bearer(SECRETS.key_read)]) {
    for (const key of ['key_read', 'key_missing', 'key_two_read']) {
      const res = await patchKey(app, 'proj_one', key, { label: 'x' }, headers)
      t.equal(res.statusCode, 401, key)
      t.strictSame(res.json(), scope.body)
      t.equal(res.headers['www-authenticate'], scope.challenge)
    }
  }
  t.strictSame(rows(), before)
})
