// Requests pipelined on one connection take effect in the order sent (RFC 9112 section 9.3.2; docs/api.md, "Authentication and status codes"),
// whatever each waits for inside the server: a PATCH's group commit must not let the request after it overtake it.
import t, { type Test } from 'tap'
import { INVALID, SCOPE, fixed } from '../../../answers.js'
import { bearer, SECRETS, userToken } from '../../../helper.js'
import { Connection, listen, requestBytes, type RawResponse } from '../../../wire.js'

const ADMIN = { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json' }

async function pipeline (t: Test, port: number, requests: string[]): Promise<RawResponse[]> {
  const connection = await Connection.open(t, port)
  // One write: every request is in the server's hands before the first is answered.
  await connection.write(requests.join(''))
  return await connection.read(requests.length, `${requests.length} pipelined answers`)
}

t.test('PATCH then GET of the same key: the GET sees the new label', async t => {
  const { port, row } = await listen(t)
  const [patched, got] = await pipeline(t, port, [
    requestBytes('PATCH', '/project/proj_one/key/key_read', ADMIN, '{"label":"Pipelined"}'),
    requestBytes('GET', '/project/proj_one/key/key_read', { authorization: ADMIN.authorization })
  ])
  t.equal(patched!.status, 200)
  t.equal(got!.status, 200)
  t.equal(JSON.parse(got!.body).key.label, 'Pipelined', 'the GET was answered from the state after the PATCH')
  t.equal(row('key_read')?.label, 'Pipelined')
})

t.test('PATCH then DELETE of the same key: 200 then 200, and the key is gone', async t => {
  const { port, row } = await listen(t)
  const [patched, deleted] = await pipeline(t, port, [
    requestBytes('PATCH', '/project/proj_one/key/key_read', ADMIN, '{"label":"Pipelined"}'),
    requestBytes('DELETE', '/project/proj_one/key/key_read', { authorization: ADMIN.authorization })
  ])
  t.equal(patched!.status, 200, 'the PATCH acted first')
  t.equal(JSON.parse(patched!.body).key.label, 'Pipelined')
  t.equal(deleted!.status, 200)
  t.same(JSON.parse(deleted!.body), { message: 'API key deleted' })
  t.equal(row('key_read'), undefined)
})

t.test('demoting key A then DELETE with key A: the DELETE is refused for scope and deletes nothing', async t => {
  const { port, row } = await listen(t)
  const owner = await userToken('user_owner')
  const [demoted, refused] = await pipeline(t, port, [
    requestBytes('PATCH', '/project/proj_one/key/key_admin', { ...bearer(owner), 'content-type': 'application/json' }, '{"roles":"read"}'),
    requestBytes('DELETE', '/project/proj_one/key/key_read', { authorization: ADMIN.authorization })
  ])
  t.equal(demoted!.status, 200)
  t.same(fixed(refused!), SCOPE)
  t.equal(row('key_read')?.label, 'Read key', 'key_read is still there')
})

t.test('regenerating key A then a request with its old secret: refused as unknown', async t => {
  const { port, row } = await listen(t)
  const before = row('key_read')
  const [regenerated, refused] = await pipeline(t, port, [
    requestBytes('POST', '/project/proj_one/key/key_admin/regenerate', { authorization: ADMIN.authorization }),
    requestBytes('PATCH', '/project/proj_one/key/key_read', ADMIN, '{"label":"With the old secret"}')
  ])
  t.equal(regenerated!.status, 200)
  t.same(fixed(refused!), INVALID)
  t.same(row('key_read'), before)
})

t.test('ten PATCHes of one key pipelined: answered in order, each label in turn, the last one stays', async t => {
  const { port, row } = await listen(t)
  const labels = Array.from({ length: 10 }, (_, i) => `Label ${i}`)
  const answers = await pipeline(t, port, labels.map(label => requestBytes('PATCH', '/project/proj_one/key/key_read', ADMIN, JSON.stringify({ label }))))
  t.same(answers.map(a => [a.status, JSON.parse(a.body).key.label]), labels.map(label => [200, label]))
  const times = answers.map(a => Date.parse(JSON.parse(a.body).key.updated_at))
  t.same(times, [...times].sort((a, b) => a - b), 'updated_at grows in the order sent')
  t.equal(new Set(times).size, times.length)
  t.equal(row('key_read')?.label, 'Label 9')
})
