// Prefer: code= over a real socket (issue 23 item 5, issue 25 item 8): only a preference named code whose whole value
// is a listed status is carried out; anything else, and any Prefer: code= on a server without the control plane, is a
// 400 that says why, and the request does nothing.
import t from 'tap'
import { ADMIN_TOKEN, NOT_FOUND } from '../answers.js'
import { SECRETS } from '../helper.js'
import { exchange, listen, requestBytes } from '../wire.js'

const PATCH_HEADERS = { authorization: `Bearer ${SECRETS.key_admin}`, 'content-type': 'application/json' }

const patchWith = (prefer: string, label: string): string =>
  requestBytes('PATCH', '/project/proj_one/key/key_read', { ...PATCH_HEADERS, prefer }, JSON.stringify({ label }))

const bad = (message: string) => ({ status: 400, body: { error: 'Bad Request', message } })

t.test('with the control plane on, a code that is not exactly a listed status is a 400, never the status it starts with', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const may = '(it may ask for 400, 401, 404)'
  const cases: Array<[string, string]> = [
    ['code=4040', `Prefer: code=4040 is not a status code ${may}`],
    ['code=404x', `Prefer: code=404x is not a status code ${may}`],
    ['code=40', `Prefer: code=40 is not a status code ${may}`],
    ['code=', `Prefer: code= is not a status code ${may}`],
    ['code', `Prefer: code= is not a status code ${may}`],
    ['return=minimal, code="4044"', `Prefer: code=4044 is not a status code ${may}`],
    ['code=500', `Prefer: code=500 is not an error status updateApiKey lists ${may}`]
  ]
  for (const [prefer, message] of cases) {
    const res = await exchange(t, l.port, patchWith(prefer, `Prefer ${prefer}`))
    t.strictSame({ status: res.status, body: JSON.parse(res.body) }, bad(message), prefer)
    t.equal(res.headers['x-mock-fault'], undefined, `${prefer}: nothing injected`)
  }
  t.equal(l.row('key_read')?.label, 'Read key', 'no PATCH ran')
  // What is carried out: the code preference among others, quoted or with parameters.
  for (const prefer of ['code=404', 'return=minimal, code="404"', 'CODE = 404; why=test', 'respond-async,code=404']) {
    const res = await exchange(t, l.port, patchWith(prefer, 'Preferred'))
    t.strictSame({ status: res.status, body: JSON.parse(res.body), fault: res.headers['x-mock-fault'] }, { ...NOT_FOUND, fault: 'prefer' }, prefer)
  }
  const plain = await exchange(t, l.port, patchWith('return=minimal', 'No code preference'))
  t.equal(plain.status, 200, 'a Prefer without code is an ordinary header')
  t.equal(l.row('key_read')?.label, 'No code preference')
})

t.test('the JWKS lists no error status: Prefer there says so, instead of "it may ask for )"', async t => {
  const l = await listen(t, { config: { ADMIN_TOKEN } })
  const res = await exchange(t, l.port, requestBytes('GET', '/auth/.well-known/jwks.json', { prefer: 'code=404' }))
  t.strictSame({ status: res.status, body: JSON.parse(res.body) }, bad('Prefer: code=404 is not an error status getJsonWebKeySet lists (getJsonWebKeySet lists none that Prefer may ask for)'))
})

t.test('with the control plane off, Prefer: code= is refused with a 400 that says so, and the PATCH does not write', async t => {
  const l = await listen(t)
  const message = 'Prefer: code=404 asks for an injected answer, and this server has no control plane: start it with ADMIN_TOKEN (in-process: adminToken) for Prefer and fault rules'
  const res = await exchange(t, l.port, patchWith('code=404', 'Not preferred'))
  t.strictSame({ status: res.status, body: JSON.parse(res.body) }, bad(message))
  t.equal(res.headers['x-mock-fault'], undefined)
  t.equal(l.row('key_read')?.label, 'Read key', 'nothing written')
  const jwks = await exchange(t, l.port, requestBytes('GET', '/auth/.well-known/jwks.json', { prefer: 'code=404' }))
  t.equal(jwks.status, 400, 'on every operation of the contract')
  // Refused after the credentials, as on a server with the control plane: a stranger learns nothing new.
  const stranger = await exchange(t, l.port, requestBytes('PATCH', '/project/proj_one/key/key_read', { 'content-type': 'application/json', prefer: 'code=404' }, '{"label":"x"}'))
  t.equal(stranger.status, 401)
  const health = await exchange(t, l.port, requestBytes('GET', '/health', { prefer: 'code=404' }))
  t.equal(health.status, 200, 'a route outside the contract ignores Prefer')
  const plain = await exchange(t, l.port, patchWith('return=minimal', 'Written'))
  t.equal(plain.status, 200, 'a Prefer without code is an ordinary header')
  t.equal(l.row('key_read')?.label, 'Written')
})
