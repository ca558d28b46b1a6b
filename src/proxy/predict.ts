// What the mock would have answered to a request, by its shape alone (docs/drift.md): the request goes through a
// shadow mock of its own (an in-memory world nobody else sees) whose every route stops before its handler
// (src/plugins/shape-only.ts), so the mock's own checks decide, route, credential, body, schema, and nothing is
// read or changed. A well-formed credential stands in as the shadow's admin key: whether the real one is known is state.
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { parseBearer } from '../domain/credential.js'
import { DEMO_KEY_SECRET } from '../domain/demo.js'
import { SHAPE_PASSED, SHAPE_RULE } from '../plugins/shape-only.js'
import { parsed } from './validate.js'

/** The mock's verdict: its checks let the request through (the answer would depend on state), or its refusal. */
export type Prediction =
  | { passes: true }
  | { passes: false, status: number, error: string | undefined, message: string | undefined, rule: string | undefined }

// Not the mock's business (X-Mock-Namespace, Prefer), or the connection's own (RFC 9110, section 7.6.1).
const DROPPED = new Set(['host', 'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'x-mock-namespace', 'prefer'])

export interface Predictor {
  predict: (request: { method: string, url: string, headers: IncomingHttpHeaders, body: Buffer }) => Promise<Prediction>
  close: () => Promise<void>
}

/** The predictor over a shadow app, built by buildApp with the demo data and shapeOnly (src/app.ts does, for a proxy). */
export function createPredictor (shadow: FastifyInstance): Predictor {
  return {
    async predict (request) {
      const headers: Record<string, string | string[]> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || DROPPED.has(name) || name.startsWith('proxy-')) continue
        headers[name] = value
      }
      if (typeof parseBearer(request.headers.authorization) === 'string') headers.authorization = `Bearer ${DEMO_KEY_SECRET}`
      const answer = await shadow.inject({
        method: request.method as 'GET',
        url: request.url,
        headers,
        ...(request.body.length > 0 ? { payload: request.body } : {})
      })
      if (answer.headers[SHAPE_PASSED] !== undefined) return { passes: true }
      const body = parsed(answer.body)?.value as { error?: unknown, message?: unknown } | undefined
      const rule = answer.headers[SHAPE_RULE]
      return {
        passes: false,
        status: answer.statusCode,
        error: typeof body?.error === 'string' ? body.error : undefined,
        message: typeof body?.message === 'string' ? body.message : undefined,
        rule: typeof rule === 'string' ? rule : undefined
      }
    },
    close: async () => { await shadow.close() }
  }
}
