// The validating proxy (docs/drift.md): every request but /__admin goes to the target, and its answer comes back
// unchanged, streamed, with the hop-by-hop headers of RFC 9110 section 7.6.1 dropped both ways (@fastify/reply-from
// forwards). Each exchange is journaled and counted in the namespace "proxy" (the mock's own journal and coverage
// hooks, so it is redacted as every served request is), and analysed once its answer is whole: against the contract,
// and against what the mock would have answered (src/proxy/predict.ts). Nothing is sent anywhere but the target.
import { randomBytes } from 'node:crypto'
import replyFrom from '@fastify/reply-from'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Redactor } from '../domain/redact.js'
import type { Namespaces } from '../namespaces.js'
import type { ProxyFinding, ProxyFindings } from '../operations/proxy-findings.js'
import { isControlPlane } from '../plugins/journal.js'
import { createPredictor, type Prediction } from './predict.js'
import { proxied, type ProxySettings } from './settings.js'
import { parsed, requestViolations, responseViolations } from './validate.js'

/** The namespace whose journal and coverage hold the proxied exchanges (GET /__admin/requests?namespace=proxy). */
export const PROXY_NAMESPACE = 'proxy'

// A request body of this API is a few hundred bytes; an answer is analysed up to this size, and streamed whatever its size.
const MAX_REQUEST_BYTES = 1024 * 1024
const MAX_ANALYSED_BYTES = 4 * 1024 * 1024

/** The target's answer as the proxy saw it: whole (text), broken off (no text), or none at all (failed: the status the client got). */
type Got = { status: number, headers: IncomingHttpHeaders, text: string | undefined } | { failed: number, message: string }

export interface ProxyPluginOptions extends ProxySettings {
  findings: ProxyFindings
  namespaces: Namespaces
  redact: Redactor
  shadow: FastifyInstance
}

// RFC 9110, section 7.6.1: meant for one connection, never forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'http2-settings'])

/** The headers without the hop-by-hop ones: those above, every Proxy-* one, and each the Connection header names. */
export function endToEnd<T extends Record<string, unknown>> (headers: T): T {
  const connection = headers.connection
  const listed = new Set(String(Array.isArray(connection) ? connection.join(',') : connection ?? '').split(',').map(name => name.trim().toLowerCase()).filter(name => name !== ''))
  return Object.fromEntries(Object.entries(headers).filter(([name]) => {
    const lower = name.toLowerCase()
    return !HOP_BY_HOP.has(lower) && !lower.startsWith('proxy-') && !listed.has(lower)
  })) as T
}

async function readBody (raw: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of raw) {
    size += (chunk as Buffer).length
    if (size > MAX_REQUEST_BYTES) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Why the target gave no answer, from the error of the forward: a status for the client and one clear line. */
function failure (error: Error & { statusCode?: number, cause?: unknown }, target: URL, timeoutMs: number): { status: 502 | 504, message: string } {
  const cause = (error.cause ?? error) as Error & { code?: string }
  const code = cause.code ?? (error as { code?: string }).code ?? ''
  if (/TIMEOUT/.test(code) || error.statusCode === 504) return { status: 504, message: `the target ${target.origin} gave no answer within ${timeoutMs} ms (--timeout)` }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/.test(code)) return { status: 502, message: `the certificate of ${target.origin} was refused: ${code} (give its CA with --ca FILE or NODE_EXTRA_CA_CERTS)` }
  if (/ECONNRESET|UND_ERR_SOCKET|ECONNABORTED|EPIPE/.test(code)) return { status: 502, message: `the target ${target.origin} closed the connection before answering (${code})` }
  return { status: 502, message: `cannot reach the target ${target.origin}: ${code === '' ? cause.message : code}` }
}

export default fp<ProxyPluginOptions>(async function proxyPlugin (app, options) {
  const { target, timeoutMs, findings, redact } = options
  // This proxy's name in Via (RFC 9110 section 7.6.3), which every forward carries: a request that comes back with it
  // went round a loop (a target that is this proxy under a name the start-up check cannot know) and is refused.
  const hop = `1.1 basic-admin-mock-${randomBytes(6).toString('hex')}`
  const predictor = createPredictor(options.shadow)
  app.addHook('onClose', async () => { await predictor.close() })
  const prefix = target.pathname.replace(/\/+$/, '')
  await app.register(replyFrom, {
    base: target.origin,
    disableRequestLogging: true,
    // reply-from turns certificate checks off unless told (its getUndiciOptions): a refused certificate must stay refused.
    undici: { connect: { rejectUnauthorized: true, timeout: timeoutMs, ...(options.ca === undefined ? {} : { ca: options.ca }) }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }
  })

  /** One exchange's findings, once its answer is whole (or broke off). */
  async function analyse (request: FastifyRequest, body: Buffer, prediction: Promise<Prediction>, answer: Promise<Got>): Promise<ProxyFinding[]> {
    const routed = request.routeOptions.config as { operationId?: string }
    const operation = routed.operationId ?? `${request.method} ${redact.url(request.url.split('?')[0]!)}`
    const out: ProxyFinding[] = []
    const got = await answer
    const status = 'failed' in got ? got.failed : got.status
    const add = (kind: ProxyFinding['kind'], where: string | undefined, message: string): void => {
      out.push({ operation, kind, status: status === 0 ? null : status, ...(where === undefined ? {} : { where }), message: redact.text(message) })
    }
    const sent = body.length > 0 ? parsed(body.toString('utf8')) : undefined
    if (routed.operationId !== undefined && sent !== undefined) for (const v of requestViolations(routed.operationId, sent.value)) add('request', v.where, v.message)
    const mock = await prediction.catch(() => undefined)
    if (mock !== undefined && !mock.passes && mock.status === 400 && out.length === 0) add('request', '', `the mock refuses it (rule ${mock.rule ?? '?'}): ${mock.message ?? ''}`)
    if ('failed' in got) {
      if (got.failed !== 0) add('transport', undefined, got.message)
      return out
    }
    if (got.text === undefined) add('transport', undefined, 'the answer broke off before its end')
    if (status >= 500) add('server-error', undefined, `the target answered ${status}: ${got.text?.slice(0, 120) ?? ''}`)
    const contentType = Array.isArray(got.headers['content-type']) ? got.headers['content-type'][0] : got.headers['content-type']
    if (routed.operationId !== undefined && status < 500 && got.text !== undefined) {
      for (const v of responseViolations(routed.operationId, status, contentType, got.text)) add('response', v.where, v.message)
    }
    if (mock === undefined) return out
    const real = got.text === undefined ? undefined : parsed(got.text)?.value as { error?: unknown } | undefined
    if (!mock.passes && mock.status !== status) {
      add('disagreement', undefined, `real service: ${status} to this request; mock: ${mock.status}${mock.rule === undefined ? '' : ` ${mock.rule}`}${mock.message === undefined ? '' : ` (${mock.message})`}`)
    } else if (!mock.passes && typeof real?.error === 'string' && mock.error !== undefined && real.error !== mock.error) {
      add('disagreement', '/error', `real service: ${status} ${JSON.stringify(real.error)}; mock: ${mock.status} ${JSON.stringify(mock.error)}`)
    } else if (mock.passes && status === 400) {
      add('disagreement', undefined, 'real service: 400 to this request; mock: its request rules take it (it would answer by its state)')
    }
    // The mock answers JSON as RFC 8259 registers it, without a charset: a client that compares the type meets the difference.
    if (routed.operationId !== undefined && contentType !== undefined && /^application\/json/i.test(contentType) && contentType.toLowerCase() !== 'application/json') {
      add('disagreement', 'content-type', `real service: content-type ${contentType}; mock: application/json`)
    }
    return out
  }

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isControlPlane(request.url)) return
    request.world = options.namespaces.get(PROXY_NAMESPACE)
    proxied.add(request.raw)
    // The answer is the target's: not even the mock's own X-Request-Id is added to it.
    reply.removeHeader('x-request-id')
    const via = request.headers.via
    if (via !== undefined && via.split(',').some(entry => entry.trim() === hop)) {
      // Answered at once, body unread: the first arrival gets this 508 as its target's answer, and reports it.
      return await reply.code(508).header('connection', 'close').send({ error: 'Loop Detected', message: `this request came back to the proxy that forwarded it (Via ${hop}): its target leads back to itself; give the real service's address` })
    }
    const body = await readBody(request.raw)
    if (body === undefined) {
      return await reply.code(413).send({ error: 'Payload Too Large', message: `the proxy forwards request bodies up to ${MAX_REQUEST_BYTES / 1024} KiB` })
    }
    // The journal keeps the body as the mock's own routes would: parsed JSON, redacted (src/plugins/journal.ts).
    const json = body.length > 0 ? parsed(body.toString('utf8')) : undefined
    if (json !== undefined) request.body = json.value
    // The shadow mock decides while the target answers.
    const prediction = predictor.predict({ method: request.method, url: request.url, headers: request.headers, body })
    let settle!: (got: Got) => void
    const answer = new Promise<Got>(resolve => { settle = resolve })
    // A client that leaves before its answer: nothing more comes, and a report must not wait for it.
    reply.raw.once('close', () => settle({ failed: 0, message: 'the client closed the connection before its answer was whole' }))
    findings.track(analyse(request, body, prediction, answer))
    const sendsBody = body.length > 0 && request.method !== 'GET' && request.method !== 'HEAD'
    try {
      reply.from(prefix + request.url, {
        ...(sendsBody ? { body, contentType: request.headers['content-type'] ?? 'application/octet-stream' } : {}),
        // Never again: a retry would send the target a request the client did not, and answer something else.
        retryDelay: () => null,
        rewriteRequestHeaders: (_request, headers) => {
          const sent = endToEnd(headers)
          // The proxy read the whole body already (and said 100 Continue itself); undici refuses to send Expect.
          delete sent.expect
          // A body it does not forward (a GET's) must not be announced.
          if (!sendsBody) delete sent['content-length']
          sent.via = sent.via === undefined ? hop : `${String(sent.via)}, ${hop}`
          return sent
        },
        rewriteHeaders: (headers) => endToEnd(headers),
        onError: (reply, { error }) => {
          const { status, message } = failure(error as Error, target, timeoutMs)
          settle({ failed: status, message })
          reply.code(status).header('content-type', 'application/json').send({ error: status === 504 ? 'Gateway Timeout' : 'Bad Gateway', message })
        },
        onResponse: (_request, reply, res) => {
          const stream = res.stream
          const headers = (res as unknown as { headers: IncomingHttpHeaders }).headers
          const chunks: Buffer[] = []
          let size = 0
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size <= MAX_ANALYSED_BYTES) chunks.push(chunk)
          })
          stream.on('end', () => settle({ status: res.statusCode, headers, text: size <= MAX_ANALYSED_BYTES ? Buffer.concat(chunks).toString('utf8') : '' }))
          stream.on('error', () => settle({ status: res.statusCode, headers, text: undefined }))
          stream.on('close', () => settle({ status: res.statusCode, headers, text: undefined }))
          reply.send(stream)
        }
      })
    } catch (error) {
      // A path the forwarding refuses (one that climbs with ..): said by the proxy, not the target.
      const message = `the proxy cannot forward this path: ${(error as Error).message}`
      settle({ failed: 400, message })
      return await reply.code(400).send({ error: 'Bad Request', message })
    }
    return await reply
  })
}, { name: 'proxy', dependencies: ['world'] })
