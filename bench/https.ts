// npx tsx bench/https.ts: a new connection and its first PATCH, over HTTPS (handshake included) and over plain HTTP,
// alternating on one server (HTTPS_PORT beside PORT), 100 of each; prints the medians (docs/https.md).
import { performance } from 'node:perf_hooks'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { startMockServer } from '../src/index.js'

const ROUNDS = 100
const mock = await startMockServer({ https: ['127.0.0.1'], httpsPort: 0 })
const token = mock.token('user_demo')
const ca = mock.certificate!.pem

/** Opens a connection (agent: false), sends one PATCH and resolves with the ms until its answer's last byte. */
function firstPatch (base: string, round: number): Promise<number> {
  const { hostname, port, protocol } = new URL(base)
  const body = JSON.stringify({ label: `Round ${round}` })
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = protocol === 'https:' ? httpsRequest : httpRequest
    const req = request({ host: hostname, port, path: '/project/proj_demo/key/key_demo', method: 'PATCH', agent: false, ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, res => {
      if (res.statusCode !== 200) reject(new Error(`PATCH answered ${res.statusCode}`))
      res.resume().on('end', () => resolve(performance.now() - started))
    })
    req.on('error', reject).end(body)
  })
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const http: number[] = []
const https: number[] = []
for (let round = 0; round < 5; round++) await Promise.all([firstPatch(mock.url, round), firstPatch(mock.httpsUrl!, round)])
for (let round = 0; round < ROUNDS; round++) {
  http.push(await firstPatch(mock.url, round))
  https.push(await firstPatch(mock.httpsUrl!, round))
}
await mock.close()
process.stdout.write(`new connection + first PATCH, median of ${ROUNDS} (alternating, same server): HTTP ${median(http).toFixed(2)} ms, HTTPS ${median(https).toFixed(2)} ms (handshake included, RSA 2048, TLS 1.3)\n`)
