import cors from '@fastify/cors'
import fp from 'fastify-plugin'
import { corsOrigins } from '../settings/config.js'

export interface CorsOptions {
  /** CORS_ORIGIN: '*' or a comma-separated list of origins (loadConfig has checked it). */
  origin: string
}

/**
 * Opt-in CORS (CORS_ORIGIN), so a front-end served from another origin can use this server as its backend:
 * preflights for every operation, with the Authorization header, and the headers a client may need to read.
 */
export default fp<CorsOptions>(async function corsPlugin (app, options) {
  const origins = corsOrigins(options.origin)
  if (origins === undefined) throw new Error(`CORS_ORIGIN ${JSON.stringify(options.origin)} is not * or a list of origins`)
  await app.register(cors, {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    // Listed, not reflected: a wildcard never covers Authorization, and the list says what the API reads.
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-Mock-Namespace', 'Prefer'],
    exposedHeaders: ['X-Request-Id', 'WWW-Authenticate', 'X-Mock-Fault'],
    // Bearer tokens, not cookies: no credentials mode, so '*' stays usable.
    credentials: false,
    maxAge: 600
  })
}, { name: 'cors' })
