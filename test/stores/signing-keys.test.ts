import t from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readSigningKeyFile, SigningKeyError } from '../../src/domain/signing-key.js'
import { storedSigningKey, tokenService } from '../../src/operations/tokens.js'
import { openWorld, type World } from '../../src/world.js'

const clock = { now: () => 1_800_000_000_000 }

function database (path: string): World {
  return openWorld({ path, clock, seed: { fixture: undefined, source: undefined, demo: false }, journalSize: 0 })
}

t.test('the database key is made on first use only, kept, and the same for every opener', async t => {
  const path = join(t.testdir(), 'keys.db')
  const a = database(path)
  const b = database(path)
  t.teardown(async () => { await a.close(); await b.close() })
  const first = storedSigningKey(a, clock)
  t.equal(first.existing(), undefined, 'nothing is generated at start')
  t.equal(a.db.prepare('SELECT count(*) FROM signing_keys').pluck().get(), 0)
  const key = first.current()
  t.match(key.jwk, { kty: 'RSA', alg: 'RS256', use: 'sig', kid: key.kid, n: /^[A-Za-z0-9_-]{342}$/, e: 'AQAB' })
  t.equal(key.privateKey.asymmetricKeyDetails?.modulusLength, 2048)
  t.strictSame(a.db.prepare('SELECT kid, alg, created_at FROM signing_keys').all(), [{ kid: key.kid, alg: 'RS256', created_at: clock.now() }])
  t.equal(storedSigningKey(b, clock).existing()?.kid, key.kid, 'another connection reads the same key')
  t.equal(storedSigningKey(b, clock).current().kid, key.kid, 'and does not make a second one')
  t.equal(b.db.prepare('SELECT count(*) FROM signing_keys').pluck().get(), 1)
})

t.test('two openers that both find no key and generate at once still end with one key', async t => {
  const path = join(t.testdir(), 'race.db')
  const a = database(path)
  const b = database(path)
  t.teardown(async () => { await a.close(); await b.close() })
  const [sa, sb] = [storedSigningKey(a, clock), storedSigningKey(b, clock)]
  t.equal(sa.existing(), undefined)
  t.equal(sb.existing(), undefined)
  t.equal(sa.current().kid, sb.current().kid)
  t.equal(a.db.prepare('SELECT count(*) FROM signing_keys').pluck().get(), 1)
})

t.test('JWT_PRIVATE_KEY_FILE: PKCS#8 and PKCS#1 RSA keys load with a stable kid; anything else is one clear error', async t => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
  const dir = t.testdir({
    'pkcs8.pem': privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    'pkcs1.pem': privateKey.export({ format: 'pem', type: 'pkcs1' }) as string,
    'small.pem': small.export({ format: 'pem', type: 'pkcs8' }) as string,
    'ec.pem': ec.export({ format: 'pem', type: 'pkcs8' }) as string,
    'junk.pem': 'not a key'
  })
  const pkcs8 = readSigningKeyFile(join(dir, 'pkcs8.pem'))
  t.equal(readSigningKeyFile(join(dir, 'pkcs1.pem')).kid, pkcs8.kid, 'the kid is the key\'s thumbprint, whatever the encoding')
  const db = database(join(dir, 'x.db'))
  t.teardown(async () => { await db.close() })
  t.equal(tokenService({ secret: 'unused-secret-of-32-bytes-or-more!', privateKeyFile: join(dir, 'pkcs8.pem') }, db).signingKey?.current().kid, pkcs8.kid)
  t.equal(db.db.prepare('SELECT count(*) FROM signing_keys').pluck().get(), 0, 'a configured key is never copied into the database')
  const cases: Array<[string, RegExp]> = [
    ['small.pem', /small\.pem: the RSA key must have at least 2048 bits \(got 1024\)$/],
    ['ec.pem', /ec\.pem: not an RSA private key \(got ec\)$/],
    ['junk.pem', /junk\.pem is not a PEM private key$/],
    ['missing.pem', /cannot read JWT_PRIVATE_KEY_FILE .*missing\.pem: ENOENT$/]
  ]
  for (const [file, message] of cases) t.throws(() => readSigningKeyFile(join(dir, file)), { constructor: SigningKeyError, message }, file)
  writeFileSync(join(dir, 'public.pem'), pkcs8.publicKey.export({ format: 'pem', type: 'spki' }))
  t.throws(() => readSigningKeyFile(join(dir, 'public.pem')), /public\.pem is not a PEM private key$/, 'a public key is not enough')
})
