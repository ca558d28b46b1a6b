// An API key's credential: the SHA-256 of its secret, the same whether it was computed now or remembered from the
// last time the secret was seen, and never another secret's.
import t from 'tap'
import { createHash } from 'node:crypto'
import { keyCredential } from '../../src/domain/credential.js'

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest()

t.test('the hash of the secret, the first time and every time after, for short and long secrets alike', async t => {
  const secrets = ['basic_key_' + 'a'.repeat(32), 'basic_key_' + 'b'.repeat(32), 'basic_key_' + 'c'.repeat(4000)]
  for (let round = 0; round < 3; round++) {
    for (const secret of secrets) {
      const credential = keyCredential(secret)
      t.equal(credential.kind, 'key')
      t.same(credential.hash, sha256(secret), `round ${round}, ${secret.length} characters`)
      t.equal(credential.memo, sha256(secret).toString('latin1'))
    }
  }
})

t.test('the secrets of 10,000 clients in turn are all remembered; past them the oldest is hashed again, and still right', async t => {
  const secret = (i: number): string => `basic_key_${String(i).padStart(32, '0')}`
  const first = Array.from({ length: 10_000 }, (_, i) => keyCredential(secret(i)))
  t.ok(first.every((credential, i) => keyCredential(secret(i)) === credential), 'the same credential again: remembered, not hashed again')
  for (let i = 10_000; i < 10_500; i++) keyCredential(secret(i))
  const again = keyCredential(secret(0))
  t.not(again, first[0], 'the oldest was forgotten')
  t.same(again.hash, sha256(secret(0)))
  t.same(keyCredential(secret(10_499)).hash, sha256(secret(10_499)))
})
