// A proxy whose target leads back to itself under another name (an address its start-up check cannot tell from a
// real service's): the request that comes back is refused with 508, so one request is two arrivals, not an endless
// chain of forwards, each holding a connection until its timeout.
import t from 'tap'
import { createServer as createHttp } from 'node:http'
import { startMockServer } from '../../src/mock-server.js'
import { patience } from '../patience.js'
import { exchange, requestBytes } from '../wire.js'
import { freePort } from '../free-port.js'

const ADMIN = 'proxy-admin-token-0123456789'

t.test('a target that is the proxy under another address: the looped request is refused with 508, forwarded once', async t => {
  const port = await freePort()
  // Listening on every address, 127.0.0.2 reaches this very proxy, yet it is neither its host nor a loopback name.
  const proxy = await startMockServer({ host: '0.0.0.0', port, adminToken: ADMIN, proxy: { target: `http://127.0.0.2:${port}`, timeout: patience(2_000) } })
  t.teardown(() => proxy.close())
  const answer = await exchange(t, port, requestBytes('GET', '/project/p/key', { Authorization: 'Bearer x' }))
  t.equal(answer.status, 508, 'the looped arrival\'s answer, back through the first')
  t.match(JSON.parse(answer.body), { error: 'Loop Detected', message: /^this request came back to the proxy that forwarded it \(Via 1\.1 basic-admin-mock-[0-9a-f]{12}\): its target leads back to itself; give the real service's address$/ })
  const report = await proxy.drift()
  t.equal(report.exchanges, 1, 'forwarded once: the arrival that came back was answered, not forwarded again')
  t.match(report.counts, { 'server-error': 1 }, 'the first arrival reports the 508 it got from its "target"')
})

t.test('Via names the proxy on every forward, after the hops the request already passed', async t => {
  const seen: Array<string | undefined> = []
  const target = createHttp((req, res) => { seen.push(req.headers.via); res.writeHead(req.url === '/openapi.json' ? 404 : 204).end() })
  await new Promise<void>(resolve => target.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { target.closeAllConnections(); target.close(() => resolve()) }))
  const proxy = await startMockServer({ adminToken: ADMIN, proxy: { target: `http://127.0.0.1:${(target.address() as { port: number }).port}`, timeout: patience(2_000) } })
  t.teardown(() => proxy.close())
  const port = Number(new URL(proxy.url).port)
  t.equal((await exchange(t, port, requestBytes('GET', '/project/p/key', {}))).status, 204)
  t.equal((await exchange(t, port, requestBytes('GET', '/project/p/key', { Via: '1.1 corporate-gateway' }))).status, 204, 'another proxy before this one is no loop')
  t.match(seen.slice(-2), [/^1\.1 basic-admin-mock-[0-9a-f]{12}$/, /^1\.1 corporate-gateway, 1\.1 basic-admin-mock-[0-9a-f]{12}$/])
})
