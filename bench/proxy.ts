// npx tsx bench/proxy.ts: the validating proxy's added latency per request (docs/drift.md). One target (a bare
// node:http server answering a list of keys as the real service would), reached two ways in the same run, alternating:
// through a plain forward (node:http, a keep-alive agent, the answer piped back) and through the proxy (forward,
// contract checks, the shadow mock's verdict, journal, coverage). Prints median and p99 of each, and the difference.
import { performance } from 'node:perf_hooks'
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startMockServer } from '../src/index.js'

const ROUNDS = Number(process.env.ROUNDS ?? 2000)
const WARMUP = 200
const SECRET = 'basic_key_benchBENCHbenchBENCHbenchBENCH00'
const BODY = JSON.stringify({ data: [{ id: 'key_bench', label: 'Bench key', roles: 'admin', is_private: true, last_used: null, created_at: '2026-12-06T00:00:00.000Z' }] })

const listen = async (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string, close: () => Promise<void> }> => {
  const server = createServer({ keepAliveTimeout: 60_000 }, handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: async () => { server.closeAllConnections(); await new Promise(resolve => server.close(resolve)) } }
}

const target = await listen((req, res) => {
  req.resume().on('end', () => {
    if (req.url === '/openapi.json') res.writeHead(404).end()
    else res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) }).end(BODY)
  })
})
const targetUrl = new URL(target.url)
const upstream = new Agent({ keepAlive: true })
// The plain forward: what any reverse proxy does, and nothing else.
const plain = await listen((req, res) => {
  const out = request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers, agent: upstream }, answer => {
    res.writeHead(answer.statusCode!, answer.headers)
    answer.pipe(res)
  })
  req.pipe(out)
})
const proxy = await startMockServer({ proxy: { target: target.url } })

const client = new Agent({ keepAlive: true, maxSockets: 1 })
function get (base: string): Promise<number> {
  const { hostname, port } = new URL(base)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    request({ host: hostname, port, path: '/project/proj_bench/key', agent: client, headers: { authorization: `Bearer ${SECRET}` } }, res => {
      if (res.statusCode !== 200) reject(new Error(`answered ${res.statusCode}`))
      res.resume().on('end', () => resolve(performance.now() - started))
    }).on('error', reject).end()
  })
}

const quantile = (values: number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!
const direct: number[] = []
const proxied: number[] = []
for (let round = 0; round < WARMUP; round++) { await get(plain.url); await get(proxy.url) }
for (let round = 0; round < ROUNDS; round++) {
  // Alternating which goes first: neither meets the other's garbage or timer work always.
  if (round % 2 === 0) { direct.push(await get(plain.url)); proxied.push(await get(proxy.url)) } else { proxied.push(await get(proxy.url)); direct.push(await get(plain.url)) }
}
const report = await proxy.drift()
await proxy.close()
await plain.close()
await target.close()
client.destroy()
upstream.destroy()
const ms = (value: number): string => `${value.toFixed(3)} ms`
process.stdout.write([
  `GET /project/{id}/key, ${ROUNDS} of each, alternating, one keep-alive client (same run, same target):`,
  `  plain forward:     median ${ms(quantile(direct, 0.5))}, p99 ${ms(quantile(direct, 0.99))}`,
  `  validating proxy:  median ${ms(quantile(proxied, 0.5))}, p99 ${ms(quantile(proxied, 0.99))}`,
  `  added by the proxy: median ${ms(quantile(proxied, 0.5) - quantile(direct, 0.5))}, p99 ${ms(quantile(proxied, 0.99) - quantile(direct, 0.99))}`,
  `  (the proxy saw ${report.exchanges} exchanges, ${report.violations} violations, ${report.disagreements} disagreements)`,
  ''
].join('\n'))
