// The Fastify options of the server and of every test: validation in tests is validation in production.
import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { destination } from 'pino'
import type { Config } from '../settings/config.js'
import { createRedactor, type Redactor } from '../domain/redact.js'
import { clientErrorHandler } from './client-errors.js'
import { OneLinePerRequest } from './log.js'
import { JSON_TYPE, routeNotFound } from './refusals.js'
import { formatSchemaErrors } from './schema-errors.js'

export const BODY_LIMIT = 16 * 1024
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Where log lines go instead of stdout (tests read them). */
export interface LogStream { write: (line: string) => void }

/** The blanking of logs and journal: credential shapes, and the ADMIN_TOKEN whatever its shape. */
export const redactorFor = (config: Pick<Config, 'ADMIN_TOKEN'>): Redactor => createRedactor(config.ADMIN_TOKEN === undefined ? [] : [config.ADMIN_TOKEN])

/**
 * `checkSchemas: false` skips ajv's check of each route schema against the JSON Schema meta-schema (compiling the
 * meta-schema is about 35 ms of a 560 ms start): the schemas are the same at every start, and every app the tests
 * build (test/helper.ts, startMockServer) keeps the check, so a schema that breaks it fails the suite, not a start.
 */
export function fastifyOptions (config: Pick<Config, 'LOG_LEVEL' | 'ADMIN_TOKEN'>, stream?: LogStream, checkSchemas = true): FastifyServerOptions {
  const redact = redactorFor(config)
  return {
    logger: {
      level: config.LOG_LEVEL,
      // Anything Fastify logs of a request on its own goes through the same blanking as the request lines.
      serializers: {
        req: (request: { method?: string, url?: string, ip?: string }) => ({ method: request.method, url: redact.url(request.url ?? ''), remoteAddress: request.ip })
      },
      // stdout written in the request's own turn, as Node writes its stdout to a file or pipe on Linux: pino's own
      // default hands each line to the libuv pool, two thread switches a request (a sixth of a PATCH at 1 connection,
      // docs/performance.md); and a reader that stops reading stops the server, instead of its memory growing.
      stream: stream ?? destination({ fd: 1, sync: true })
    },
    logController: new OneLinePerRequest(redact),
    bodyLimit: BODY_LIMIT,
    // Any id that fits in Node's 16 KiB of headers reaches the route (and its 404).
    routerOptions: { maxParamLength: 65536 },
    // Every plugin is ours and none waits on the network: Fastify's 10 s per plugin only ever fired on a starved CI
    // machine (load 25 on 2 cores: the contract's parse in the swagger plugin took longer), failing a start that would
    // have succeeded. A minute still names a plugin that truly hangs.
    pluginTimeout: 60_000,
    // New requests during shutdown are still served; the contract has no 503.
    return503OnClosing: false,
    // A caller's own x-request-id is kept when it is a plausible id that holds no credential; otherwise a UUID.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) && redact.text(given) === given ? given : randomUUID()
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, verbose: true, validateSchema: checkSchemas } },
    schemaErrorFormatter: formatSchemaErrors,
    clientErrorHandler,
    // A URL that cannot be decoded names no resource: answered as not found, in the usual shape.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      // Raised before the hooks that name every answer and drop Fastify's charset, so both done here (a Buffer keeps
      // the content type as set).
      reply.header('x-request-id', request.id).header('content-type', JSON_TYPE)
      const bytes = (body: object): Buffer => Buffer.from(JSON.stringify(body))
      if (error.code === 'FST_ERR_BAD_URL') return reply.code(404).send(bytes(routeNotFound(request)))
      return reply.code(400).send(bytes({ error: 'Bad Request', message: error.message }))
    }
  }
}
