import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import type { FastifySchemaValidationError } from 'fastify/types/schema.js'
import type { Config } from './config.js'
import { routeNotFound } from './errors.js'
import { explainRule } from './services/rules.js'

export const BODY_LIMIT = 16 * 1024
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

type SchemaError = FastifySchemaValidationError & { data?: unknown, parentSchema?: { properties?: object } }

/** A label or roles value the contract's pattern or length refused, in the rule's own sentence rather than the regex. */
function explained (error: SchemaError, dataVar: string): string | undefined {
  return dataVar === 'body' && typeof error.data === 'string' ? explainRule(error.instancePath.slice(1), error.data) : undefined
}

/**
 * One sentence naming the first problem of a request part, e.g. `Unknown property "foo" in request body`.
 * Ajv reports all errors in schema order; a label or roles value yields to a wrong type or an unknown property
 * elsewhere in the body, as it did when only code checked those values.
 */
export function formatSchemaErrors (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const error = (errors.find(e => explained(e, dataVar) === undefined) ?? errors[0]) as SchemaError
  const part = dataVar === 'body' ? 'request body' : dataVar
  const field = error.instancePath.slice(1).replace(/\//g, '.')
  const params = error.params as Record<string, unknown>
  const explanation = explained(error, dataVar)
  let message: string
  if (explanation !== undefined) {
    message = explanation
  } else if (error.keyword === 'additionalProperties') {
    message = `Unknown property ${JSON.stringify(params.additionalProperty)} in ${part}`
  } else if (error.keyword === 'minProperties' && field === '') {
    const names = Object.keys(error.parentSchema?.properties ?? {}).join(', ')
    message = `The ${part} must contain at least one of: ${names}`
  } else if (error.keyword === 'required') {
    message = `Missing required property ${JSON.stringify(params.missingProperty)} in ${part}`
  } else if (error.keyword === 'type' && field === '' && dataVar === 'body') {
    // The JSON parser already refuses non-object bodies, so this is a request without one.
    message = 'A request body is required: send a JSON object with Content-Type: application/json'
  } else if (error.keyword === 'type') {
    message = `${field === '' ? `The ${part}` : JSON.stringify(field)} must be a ${String(params.type)}, not ${describe(error.data)}`
  } else {
    message = `${field === '' ? `The ${part}` : JSON.stringify(field)} ${error.message ?? 'is invalid'}`
  }
  return new Error(message)
}

// Errors Node's HTTP parser raises before Fastify sees a request; the contract has no 408 or 431.
const CLIENT_ERRORS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'Request headers are larger than 16 KiB',
  ERR_HTTP_REQUEST_TIMEOUT: 'Request timed out'
}

function clientErrorHandler (error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (socket.writable) {
    const body = JSON.stringify({ error: 'Bad Request', message: CLIENT_ERRORS[error.code ?? ''] ?? 'Malformed HTTP request' })
    socket.write(`HTTP/1.1 400 Bad Request\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

/** Where log lines go instead of stdout (tests read them). */
export interface LogStream { write: (line: string) => void }

/**
 * One line per request at the default level, on its answer; the arrival line moves to debug. Its fields are flat
 * (method, url, statusCode, responseTime): pino writes strings and numbers directly but runs a generic stringify
 * on nested objects, which cost more than the rest of the line. No header is ever logged, so nothing needs redacting.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest (request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted (error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error !== null && error !== undefined) return super.requestCompleted(error, request, reply)
    if (!this.isLogDisabled(request)) reply.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, 'request completed')
  }
}

/** The Fastify options of the server and of every test: validation in tests is validation in production. */
export function fastifyOptions (config: Pick<Config, 'LOG_LEVEL'>, stream?: LogStream): FastifyServerOptions {
  return {
    logger: {
      level: config.LOG_LEVEL,
      ...(stream === undefined ? {} : { stream })
    },
    logController: new OneLinePerRequest(),
    bodyLimit: BODY_LIMIT,
    // Any id that fits in Node's 16 KiB of headers reaches the route (and its 404).
    routerOptions: { maxParamLength: 65536 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // New requests during shutdown are still served; the contract has no 503.
    return503OnClosing: false,
    // A caller's own x-request-id is kept when it is a plausible id; otherwise each request gets a UUID.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, verbose: true } },
    schemaErrorFormatter: formatSchemaErrors,
    clientErrorHandler,
    // A URL that cannot be decoded names no resource: answered as not found, in the usual shape.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      // Raised before the onRequest hook that names every answer, so named here.
      reply.header('x-request-id', request.id)
      if (error.code === 'FST_ERR_BAD_URL') return reply.code(404).send(routeNotFound(request))
      return reply.code(400).send({ error: 'Bad Request', message: error.message })
    }
  }
}
