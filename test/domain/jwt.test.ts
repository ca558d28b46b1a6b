import t from 'tap'
import { jwtVerify } from 'jose'
import { createJwtService } from '../../src/domain/jwt.js'
import { TEST_SECRET, userToken } from '../helper.js'

const jwt = createJwtService({ secret: TEST_SECRET, issuer: 'iss-x', audience: 'aud-y' })
const key = new TextEncoder().encode(TEST_SECRET)

t.test('tokens it signs verify with jose, and carry sub, iat, exp, iss and aud', async t => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const token = jwt.sign('user_a', { expiresIn: 90, now })
  const { payload, protectedHeader } = await jwtVerify(token, key, { currentDate: new Date(now), issuer: 'iss-x', audience: 'aud-y' })
  t.strictSame(protectedHeader, { alg: 'HS256', typ: 'JWT' })
  t.strictSame(payload, { sub: 'user_a', iat: now / 1000, exp: now / 1000 + 90, iss: 'iss-x', aud: 'aud-y' })
  t.strictSame(jwt.verify(token, now + 1000), { ok: true, sub: 'user_a', validFrom: Number.NEGATIVE_INFINITY, validUntil: now + 120_000 }, 'valid until exp and the 30 s tolerance')
})

t.test('tokens jose signs verify here', async t => {
  const token = await userToken('user_b', { claims: { iss: 'iss-x', aud: 'aud-y' } })
  const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }
  t.strictSame(jwt.verify(token), { ok: true, sub: 'user_b', validFrom: Number.NEGATIVE_INFINITY, validUntil: (exp + 30) * 1000 })
})

t.test('the clock tolerance is 30 s either side, and configurable', async t => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const token = jwt.sign('u', { expiresIn: 60, now })
  t.ok(jwt.verify(token, now + 90_000).ok, 'expired 30 s ago: accepted')
  t.strictSame(jwt.verify(token, now + 91_000), { ok: false, reason: 'expired' })
  const strict = createJwtService({ secret: TEST_SECRET, issuer: 'iss-x', audience: 'aud-y', clockTolerance: 0 })
  t.strictSame(strict.verify(token, now + 61_000), { ok: false, reason: 'expired' })
})

t.test('refuses, with a reason for the log, what it must refuse', async t => {
  const good = jwt.sign('u', { expiresIn: 60 })
  const [head, body, sig] = good.split('.') as [string, string, string]
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const cases: Array<[string, string, string]> = [
    ['a bare word', 'hello', 'not a JWT'],
    ['an absurdly long token', `${head}.${'A'.repeat(9000)}.${sig}`, 'not a JWT'],
    ['alg none', `${enc({ alg: 'none' })}.${body}.${sig}`, 'algorithm none not accepted'],
    ['alg HS512', `${enc({ alg: 'HS512' })}.${body}.${sig}`, 'algorithm HS512 not accepted'],
    ['no alg', `${enc({ typ: 'JWT' })}.${body}.${sig}`, 'algorithm undefined not accepted'],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.${body}.${sig}`, 'malformed header'],
    ['a crit header', `${enc({ alg: 'HS256', crit: ['b64'] })}.${body}.${sig}`, 'critical header extensions are not supported'],
    ['a signature of another encoding of the same bytes', `${head}.${body}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, 'bad signature']
  ]
  for (const [name, token, reason] of cases) t.strictSame(jwt.verify(token), { ok: false, reason }, name)
})

t.test('a token verified once is remembered, but its exp and nbf are judged again at every use', async t => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const service = createJwtService({ secret: TEST_SECRET })
  const token = service.sign('u', { expiresIn: 60, now })
  t.strictSame(service.verify(token, now), { ok: true, sub: 'u', validFrom: Number.NEGATIVE_INFINITY, validUntil: now + 90_000 })
  t.strictSame(service.verify(token, now + 91_000), { ok: false, reason: 'expired' }, 'remembered, still expires')
  const nbf = Math.floor(Date.now() / 1000) + 120
  const early = await userToken('u', { claims: { nbf } })
  const { exp } = JSON.parse(Buffer.from(early.split('.')[1]!, 'base64url').toString()) as { exp: number }
  t.strictSame(service.verify(early), { ok: false, reason: 'not yet valid' })
  t.strictSame(service.verify(early, Date.now() + 100_000), { ok: true, sub: 'u', validFrom: (nbf - 30) * 1000, validUntil: (exp + 30) * 1000 }, 'valid once its nbf has come')
  t.strictSame(service.verify(early), { ok: false, reason: 'not yet valid' }, 'and judged by the time of each use')
  const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')
  t.strictSame(service.verify(forged, now), { ok: false, reason: 'bad signature' }, 'another text is verified afresh')
})

t.test('the tokens of 10,000 users in turn are all remembered; one more forgets the oldest first', async t => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const service = createJwtService({ secret: TEST_SECRET })
  const tokens = Array.from({ length: 10_001 }, (_, i) => service.sign(`user_${i}`, { expiresIn: 60, now }))
  for (const token of tokens.slice(0, 10_000)) service.verify(token, now)
  t.strictSame(service.stats(), { hits: 0, misses: 10_000 }, 'each verified in full once')
  for (const token of tokens.slice(0, 10_000)) service.verify(token, now)
  t.strictSame(service.stats(), { hits: 10_000, misses: 10_000 }, 'then every one from memory')
  t.strictSame(service.verify(tokens[10_000]!, now), { ok: true, sub: 'user_10000', validFrom: Number.NEGATIVE_INFINITY, validUntil: now + 90_000 })
  t.strictSame(service.verify(tokens[0]!, now), { ok: true, sub: 'user_0', validFrom: Number.NEGATIVE_INFINITY, validUntil: now + 90_000 }, 'the oldest, forgotten, verifies again')
  t.strictSame(service.stats(), { hits: 10_000, misses: 10_002 })
  service.verify(tokens[1]!, now)
  t.strictSame(service.stats(), { hits: 10_000, misses: 10_003 }, 'and taking the oldest back in forgot the next oldest')
})
