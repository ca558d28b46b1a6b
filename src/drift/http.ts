// One request of a drift run, over node:http(s) (so --ca and NODE_EXTRA_CA_CERTS apply): every failure of the
// transport comes back as a value with one clear line, never as a throw, and each request is bounded in time and size.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'

export interface Sent {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}

export type Answer =
  | { ok: true, status: number, headers: IncomingHttpHeaders, text: string, ms: number }
  | { ok: false, failure: 'timeout' | 'unreachable' | 'certificate' | 'dropped' | 'too-big', message: string, ms: number }

// An answer of this API is a few KiB; a list of many keys stays far below this.
const MAX_BYTES = 4 * 1024 * 1024

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/

/** Sends one request to base + path and reads the whole answer, within timeoutMs; never throws. */
export async function send (base: URL, sent: Sent, options: { timeoutMs: number, ca?: string | Buffer, signal?: AbortSignal }): Promise<Answer> {
  const began = performance.now()
  const ms = (): number => Math.round(performance.now() - began)
  const url = new URL(base.pathname.replace(/\/+$/, '') + sent.path, base)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise<Answer>(resolve => {
    let settled = false
    const done = (answer: Answer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(answer)
    }
    const headers: Record<string, string> = { ...sent.headers, connection: 'close' }
    if (sent.body !== undefined) headers['content-length'] = String(Buffer.byteLength(sent.body))
    const req = request(url, { method: sent.method, headers, ...(options.ca === undefined ? {} : { ca: options.ca }), signal: options.signal }, res => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BYTES) {
          req.destroy()
          done({ ok: false, failure: 'too-big', message: `answered more than ${MAX_BYTES / 1024 / 1024} MiB`, ms: ms() })
          return
        }
        chunks.push(chunk)
      })
      res.on('end', () => done({ ok: true, status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: ms() }))
      res.on('error', () => done({ ok: false, failure: 'dropped', message: 'the connection closed in the middle of the answer', ms: ms() }))
      res.on('aborted', () => done({ ok: false, failure: 'dropped', message: 'the connection closed in the middle of the answer', ms: ms() }))
    })
    const timer = setTimeout(() => {
      done({ ok: false, failure: 'timeout', message: `no whole answer within ${options.timeoutMs} ms (--timeout)`, ms: ms() })
      req.destroy()
    }, options.timeoutMs)
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? ''
      if (CERTIFICATE_CODES.test(code)) done({ ok: false, failure: 'certificate', message: `the certificate was refused: ${code} (give the target's CA with --ca FILE or NODE_EXTRA_CA_CERTS)`, ms: ms() })
      else if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || /socket hang up/.test(error.message)) done({ ok: false, failure: 'dropped', message: 'the connection closed before an answer', ms: ms() })
      else done({ ok: false, failure: 'unreachable', message: `cannot reach ${url.origin}: ${code === '' ? error.message : code}`, ms: ms() })
    })
    req.end(sent.body)
  })
}
