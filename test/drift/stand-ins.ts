// Stand-ins of the real service for the drift tests: a basic-admin-mock behind a small forwarding front, plain HTTP or
// HTTPS with a self-signed certificate made by openssl. The faithful one forwards every API request unchanged (and,
// like the real service, serves no mock contract at /openapi.json); the drifting one changes the answer of one step
// in each way a drift report knows.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createHttp, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttps } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { startMockServer, type MockServer } from '../../src/mock-server.js'

export const PROJECT = 'proj_drift'
export const TOKEN = 'basic_key_driftADMINdriftADMINdriftADMIN0000'

export interface StandIn {
  url: string
  inner: MockServer
  /** The ids of the keys the inner mock's project has now. */
  keyIds: () => Promise<string[]>
  /** Each request the front saw, as METHOD path. */
  seen: string[]
}

/** A self-signed certificate for 127.0.0.1 and localhost, made by openssl with its defaults; the PEM files' paths. */
export function selfSigned (t: Test): { key: string, cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'drift-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' })
  return { key, cert }
}

export type Rewrite = (req: IncomingMessage, body: string, res: ServerResponse, forward: (body?: string, edit?: (status: number, headers: Record<string, string>, text: string) => [number, Record<string, string>, string]) => void) => boolean

/** A stand-in whose `rewrite` may answer or change a request; everything else under /project is forwarded unchanged. */
export async function standIn (t: Test, rewrite: Rewrite | undefined, tls?: { key: string, cert: string }): Promise<StandIn> {
  const inner = await startMockServer({ fixture: { projects: [{ id: PROJECT, name: 'Drift', keys: [{ id: 'key_drift_admin', label: 'admin', roles: 'admin', value: TOKEN }, { id: 'key_other', label: 'other', roles: 'read', value: 'basic_key_otherOTHERotherOTHERother0000' }] }] } })
  t.teardown(() => inner.close())
  const seen: string[] = []
  const upstream = new URL(inner.url)
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      seen.push(`${req.method!} ${req.url!}`)
      const forward = (sent = body, edit?: Parameters<Parameters<Rewrite>[3]>[1]): void => {
        const headers = { ...req.headers, host: upstream.host }
        if (req.headers['content-length'] !== undefined || sent !== '') headers['content-length'] = String(Buffer.byteLength(sent))
        const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, answer => {
          const parts: Buffer[] = []
          answer.on('data', (chunk: Buffer) => parts.push(chunk))
          answer.on('end', () => {
            let status = answer.statusCode!
            let text = Buffer.concat(parts).toString('utf8')
            let headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !['content-length', 'connection', 'keep-alive', 'transfer-encoding'].includes(name))) as Record<string, string>
            if (edit !== undefined) [status, headers, text] = edit(status, headers, text)
            res.writeHead(status, headers).end(text)
          })
        })
        out.end(sent)
      }
      if (!req.url!.startsWith('/project/')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not Found"}')
        return
      }
      if (rewrite?.(req, body, res, forward) === true) return
      forward()
    })
  }
  const server = tls === undefined ? createHttp(handler) : createHttps({ key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const keyIds = async (): Promise<string[]> => {
    const res = await fetch(`${inner.url}/project/${PROJECT}/key`, { headers: { authorization: `Bearer ${TOKEN}` } })
    return ((await res.json()) as { data: Array<{ id: string }> }).data.map(key => key.id)
  }
  return { url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${address.port}`, inner, keyIds, seen }
}

/**
 * Drifts once in each way: accepts an empty label, adds a property, renames an error, another status, a charset,
 * a 500 (whose body echoes the credential), a slow answer, a dropped connection; the step's DELETE fails with a 500
 * so that the run's cleanup has to delete the key.
 */
export const drifting: Rewrite = (req, body, res, forward) => {
  const path = req.url!
  const json = (status: number, value: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)) }
  const addTo = (extra: (value: Record<string, unknown>) => void) => (status: number, headers: Record<string, string>, text: string): [number, Record<string, string>, string] => {
    const value = JSON.parse(text) as Record<string, unknown>
    extra(value)
    return [status, headers, JSON.stringify(value)]
  }
  if (req.method === 'PATCH' && body === '{"label":""}') { forward('{"label":"accepted an empty one"}'); return true }
  if (req.method === 'GET' && /^\/project\/proj_drift\/key\/(?!key_drift_unknown$)[^/]+$/.test(path)) { forward(undefined, addTo(value => { if (value.key !== undefined) (value.key as Record<string, unknown>).scopes = [] })); return true }
  if (path.endsWith('/key/key_drift_unknown')) { json(404, { error: 'Not Found', message: 'no such key' }); return true }
  if (req.method === 'GET' && path === `/project/${PROJECT}/key` && req.headers.authorization !== `Bearer ${TOKEN}` && req.headers.authorization?.includes('drift0000') !== true && req.headers.authorization !== undefined) { json(403, { error: 'Forbidden', message: 'not an admin key' }); return true }
  if (req.method === 'GET' && path === `/project/${PROJECT}/key` && req.headers.authorization === `Bearer ${TOKEN}`) { forward(undefined, (status, headers, text) => [status, { ...headers, 'content-type': 'application/json; charset=utf-8' }, text]); return true }
  if (path.endsWith('/regenerate')) { json(500, { error: 'Internal Server Error', message: `failed for ${req.headers.authorization ?? ''}` }); return true }
  if (path === '/project/proj_drift_unknown/key') return true // never answers: the run's --timeout ends it
  if (req.method === 'GET' && path === `/project/${PROJECT}/key` && req.headers.authorization === undefined) { req.socket.destroy(); return true }
  if (req.method === 'DELETE' && !deletedOnce.has(path)) { deletedOnce.add(path); json(500, { error: 'Internal Server Error', message: 'try again' }); return true }
  return false
}
const deletedOnce = new Set<string>()
