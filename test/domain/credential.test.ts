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

t.test('past the remembered thousand, the oldest is hashed again, and still right', async t => {
  const first = 'basic_key_first_' + '0'.repeat(20)
  keyCredential(first)
  for (let i = 0; i < 1500; i++) keyCredential(`basic_key_${String(i).padStart(32, '0')}`)
  t.same(keyCredential(first).hash, sha256(first))
  t.same(keyCredential('basic_key_00000000000000000000000000001499').hash, sha256('basic_key_00000000000000000000000000001499'))
})
