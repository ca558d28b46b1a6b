// What a hostile caller tries against PATCH: forged headers, odd sizes, dead keys. Refusals are byte-identical.
import t from 'tap'
import { createHmac, generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import { createServer } from 'node:http'
import type { LightMyRequestResponse } from 'fastify'
import { INVALID as INVALID_ANSWER } from '../../../answers.js'
import { bearer, build, patchKey, SECRETS, TEST_SECRET, userToken } from '../../../helper.js'
import { hashApiKey } from '../../../../src/domain/api-key.js'

const INVALID = JSON.stringify(INVALID_ANSWER.body)
const INVALID_CHALLENGE = INVALID_ANSWER.challenge

const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const claims = (extra: object = {}): object => ({ sub: 'user_owner', exp: Math.floor(Date.now() / 1000) + 600, ...extra })

/** An HS256 token signed here with node:crypto, so any header and any key (even an empty one) can be forged. */
function hs256 (header: object, payload: object, key: string | Buffer): string {
  const input = `${part({ alg: 'HS256', typ: 'JWT', ...header })}.${part(payload)}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

function rs256 (header: object, payload: object, privateKey: ReturnType<typeof generateKeyPairSync>['privateKey']): string {
  const input = `${part({ alg: 'RS256', typ: 'JWT', ...header })}.${part(payload)}`
  return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

function assertRefused (t: Tap, res: LightMyRequestResponse, what: string): void {
  t.equal(res.statusCode, 401, what)
  t.equal(res.body, INVALID, what)
  t.equal(res.headers['www-authenticate'], INVALID_CHALLENGE, what)
  t.equal(res.headers['content-length'], String(INVALID.length), what)
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

t.test('a kid naming a path or SQL chooses no key: forged with what it names, the token is refused', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  const kids = ['../../../../dev/null', '/etc/passwd', "x' UNION SELECT 'secret' --", 'key_admin']
  for (const kid of kids) {
    // What a kid attack hopes the server signs with: the named file's bytes (empty), or the injected text.
    for (const key of ['', 'secret', SECRETS.key_admin]) {
      assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Forged' }, bearer(hs256({ kid }, claims(), key))), `kid ${kid} with key "${key}"`)
    }
  }
  t.strictSame(rows(), before, 'no row changed')
  // HS256 has one secret, so a kid is never looked up: with the real secret the token is simply valid.
  const ok = await patchKey(app, 'proj_one', 'key_read', { label: 'Kid ignored' }, bearer(hs256({ kid: '../../etc/passwd' }, claims(), TEST_SECRET)))
  t.equal(ok.statusCode, 200)
})

t.test('jku, x5u and jwk headers are never fetched or trusted', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  let fetched = 0
  const attacker = createServer((_req, res) => { fetched++; res.end('{}') })
  await new Promise<void>(resolve => attacker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => attacker.close())
  const address = attacker.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/jwks.json`
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = publicKey.export({ format: 'jwk' })
  const tokens = [
    rs256({ jku: url, kid: 'attacker' }, claims(), privateKey),
    rs256({ x5u: url }, claims(), privateKey),
    rs256({ jwk }, claims(), privateKey),
    hs256({ jku: url }, claims(), 'attacker-secret-that-is-32-bytes-long!!')
  ]
  for (const token of tokens) assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Forged' }, bearer(token)), token.slice(0, 40))
  await new Promise(resolve => setTimeout(resolve, 100))
  t.equal(fetched, 0, 'the attacker\'s URL was never requested')
  t.strictSame(rows(), before)
})

t.test('tokens of absurd size are refused like any invalid token, valid signature or not', async t => {
  const { app, rows } = await build(t)
  const before = rows()
  const padded = await userToken('user_owner', { claims: { pad: 'x'.repeat(9000) } })
  t.ok(padded.length > 8192)
  assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Big' }, bearer(padded)), 'a correctly signed JWT over 8 KiB')
  assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Big' }, bearer('a'.repeat(100_000))), '100 KB of garbage')
  assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Big' }, bearer(`basic_key_${'A'.repeat(100_000)}`)), 'a 100 KB API key')
  assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Big' }, bearer('a.b.c'.repeat(2000))), 'dots')
  t.strictSame(rows(), before)
})

t.test('odd spacing around the scheme and token', async t => {
  const { app } = await build(t)
  for (const header of [`Bearer\t${SECRETS.key_admin}`, `bEaReR ${SECRETS.key_admin}   `, `Bearer  \t ${SECRETS.key_admin}`]) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Spaced' }, { authorization: header })
    t.equal(res.statusCode, 200, JSON.stringify(header))
  }
  for (const header of [`Bearer ${SECRETS.key_admin} extra`, `Bearer ${SECRETS.key_admin.slice(0, 20)} ${SECRETS.key_admin.slice(20)}`]) {
    assertRefused(t, await patchKey(app, 'proj_one', 'key_read', { label: 'Spaced' }, { authorization: header }), JSON.stringify(header))
  }
  const glued = await patchKey(app, 'proj_one', 'key_read', { label: 'Glued' }, { authorization: `Bearer${SECRETS.key_admin}` })
  t.equal(glued.statusCode, 401, 'no space after the scheme is not the Bearer scheme')
  t.equal(glued.headers['www-authenticate'], 'Bearer realm="basic-admin"')
})

t.test('prefix-only, wrong-tail, deleted and replaced API keys get the unknown key\'s exact answer', async t => {
  const { app, rows, row } = await build(t)
  const unknown = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer('basic_key_unknown_00000000000000000000000000'))
  assertRefused(t, unknown, 'unknown key')
  const lastChar = SECRETS.key_admin.at(-1) === '0' ? '1' : '0'
  const attempts: Array<[string, string]> = [
    ['the prefix only', 'basic_key_'],
    ['a known key without its last character', SECRETS.key_admin.slice(0, -1)],
    ['a known key with a wrong last character', SECRETS.key_admin.slice(0, -1) + lastChar],
    ['a known key with one character more', SECRETS.key_admin + 'A'],
    ['a known key in upper case', SECRETS.key_admin.toUpperCase()]
  ]
  // Deleted and replaced the way the sibling operations do it: the row goes, or its hash changes.
  app.world.db.prepare("DELETE FROM api_keys WHERE id = 'key_two_admin'").run()
  app.world.db.prepare("UPDATE api_keys SET key_hash = ? WHERE id = 'key_admin'").run(hashApiKey('basic_key_replacement_000000000000000000000'))
  attempts.push(['a deleted key', SECRETS.key_two_admin], ['a replaced key\'s old secret', SECRETS.key_admin])
  const before = rows()
  for (const [what, secret] of attempts) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(secret))
    assertRefused(t, res, what)
    t.equal(res.body, unknown.body, `${what}: same bytes as an unknown key`)
  }
  t.strictSame(rows(), before, 'no row changed, no last_used written')
  const replaced = await patchKey(app, 'proj_one', 'key_read', { label: 'New secret' }, bearer('basic_key_replacement_000000000000000000000'))
  t.equal(replaced.statusCode, 200, 'the replacement secret works')
  t.equal(row('key_read')?.label, 'New secret')
})
