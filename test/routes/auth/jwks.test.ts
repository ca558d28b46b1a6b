// RS256 user tokens: the JWKS route, verified by an outside client, and the forgeries it must refuse.
import t from 'tap'
import { createHmac, generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto'
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose'
import { INVALID as INVALID_ANSWER } from '../../answers.js'
import { bearer, build, patchKey } from '../../helper.js'
import { createJwtService } from '../../../src/domain/jwt.js'
import { fixedSigningKey } from '../../../src/domain/signing-key.js'

const INVALID = INVALID_ANSWER.body
const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
const claims = (): object => ({ sub: 'user_owner', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 })

function rs256 (header: object, privateKey: KeyObject): string {
  const input = `${part({ alg: 'RS256', typ: 'JWT', ...header })}.${part(claims())}`
  return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
}

function hs256 (key: string | Buffer, header: object = {}): string {
  const input = `${part({ alg: 'HS256', typ: 'JWT', ...header })}.${part(claims())}`
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`
}

t.test('the JWKS route publishes the signing key; jose verifies a server token against the listening server', async t => {
  const { app } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`

  const res = await fetch(`${url}/auth/.well-known/jwks.json`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'application/json')
  t.equal(res.headers.get('cache-control'), 'public, max-age=300')
  const body = await res.json() as { keys: Array<Record<string, string>> }
  const key = app.signingKey.current()
  t.strictSame(body, { keys: [{ kty: 'RSA', kid: key.kid, alg: 'RS256', use: 'sig', n: key.jwk.n, e: 'AQAB' }] }, 'the public key only')
  t.notOk(['d', 'p', 'q', 'dp', 'dq', 'qi'].some(field => field in body.keys[0]!), 'no private part')

  const token = createJwtService({ secret: 'unused-secret-that-is-32-bytes-long!!', signingKey: fixedSigningKey(key) }).sign('user_owner', { expiresIn: 600, alg: 'RS256' })
  const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${url}/auth/.well-known/jwks.json`)))
  t.strictSame(protectedHeader, { alg: 'RS256', typ: 'JWT', kid: key.kid })
  t.equal(payload.sub, 'user_owner')

  const patched = await fetch(`${url}/project/proj_one/key/key_read`, { method: 'PATCH', headers: { ...bearer(token), 'content-type': 'application/json' }, body: '{"label":"By RS256"}' })
  t.equal(patched.status, 200)
  t.equal(((await patched.json()) as { key: { label: string } }).key.label, 'By RS256')
})

t.test('RS256 tokens jose signs with the server key are accepted, with or without its kid', async t => {
  const { app, row } = await build(t)
  const key = app.signingKey.current()
  for (const header of [{ alg: 'RS256', kid: key.kid }, { alg: 'RS256' }]) {
    const token = await new SignJWT({ sub: 'user_admin' }).setProtectedHeader(header).setIssuedAt().setExpirationTime('5m').sign(key.privateKey)
    const res = await patchKey(app, 'proj_one', 'key_read', { label: `kid ${'kid' in header}` }, bearer(token))
    t.equal(res.statusCode, 200, JSON.stringify(header))
  }
  t.equal(row('key_read')?.label, 'kid false')
})

t.test('forged RS256 and algorithm-confusion tokens are refused like any invalid token', async t => {
  const { app, rows } = await build(t)
  const server = app.signingKey.current()
  const before = rows()
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const publicPem = server.publicKey.export({ format: 'pem', type: 'spki' }) as string
  const publicDer = server.publicKey.export({ format: 'der', type: 'spki' })
  const forgeries: Array<[string, string]> = [
    ['RS256 signed by another RSA key', rs256({}, other)],
    ['RS256 signed by another key, claiming the server kid', rs256({ kid: server.kid }, other)],
    ['RS256 signed by the server key with an unknown kid', rs256({ kid: 'someone-else' }, server.privateKey)],
    ['HS256 keyed with the server public key (PEM)', hs256(publicPem)],
    ['HS256 keyed with the server public key (PEM, kid of the RSA key)', hs256(publicPem, { kid: server.kid })],
    ['HS256 keyed with the server public key (DER)', hs256(publicDer)],
    ['HS256 keyed with the JWK modulus', hs256(server.jwk.n)],
    ['RS512 signed by the server key', (() => {
      const input = `${part({ alg: 'RS512', typ: 'JWT' })}.${part(claims())}`
      return `${input}.${rsaSign('sha512', Buffer.from(input), server.privateKey).toString('base64url')}`
    })()],
    ['PS256 signed by the server key', (() => {
      const input = `${part({ alg: 'PS256', typ: 'JWT' })}.${part(claims())}`
      return `${input}.${rsaSign('sha256', Buffer.from(input), { key: server.privateKey, padding: 6 }).toString('base64url')}`
    })()]
  ]
  for (const [name, token] of forgeries) {
    const res = await patchKey(app, 'proj_one', 'key_read', { label: 'Forged' }, bearer(token))
    t.equal(res.statusCode, 401, name)
    t.strictSame(res.json(), INVALID, name)
    t.equal(res.headers['www-authenticate'], 'Bearer realm="basic-admin", error="invalid_token"', name)
  }
  t.strictSame(rows(), before, 'no row changed')
})

t.test('a token signed with the key of one database is refused by a server on another', async t => {
  const first = await build(t)
  const second = await build(t)
  const token = createJwtService({ secret: 'unused-secret-that-is-32-bytes-long!!', signingKey: fixedSigningKey(first.app.signingKey.current()) }).sign('user_owner', { expiresIn: 600, alg: 'RS256' })
  t.equal((await patchKey(first.app, 'proj_one', 'key_read', { label: 'A' }, bearer(token))).statusCode, 200)
  t.equal((await patchKey(second.app, 'proj_one', 'key_read', { label: 'B' }, bearer(token))).statusCode, 401, 'before the second server has a key')
  second.app.signingKey.current()
  t.equal((await patchKey(second.app, 'proj_one', 'key_read', { label: 'B' }, bearer(token))).statusCode, 401, 'and after it made its own')
})
