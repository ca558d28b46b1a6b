import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { systemClock } from '../clock.js'
import { insufficientScope, invalidToken, keyNotFound, missingCredentials, type HttpError } from '../errors.js'
import { looksLikeApiKey } from '../services/api-key.js'
import { createJwtService, type JwtService, type JwtSettings } from '../services/jwt.js'
import { signingKeySource, type SigningKeySource } from '../services/signing-key.js'

export type Caller =
  | { kind: 'user', userId: string }
  | { kind: 'key', keyId: string, projectId: string, roles: string[] }

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: sets request.caller or answers 401. A callback hook: nothing in it waits, and a promise per request costs. */
    authenticate: (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void
    /** The calling API key's id, for a route that records its last_used in its own write (the onSend hook then skips it). */
    claimLastUsed: (request: FastifyRequest) => string | undefined
    /** Throws the 404 or 401 of DESIGN section 2 unless the caller may manage the project's keys. */
    requireKeyManager: (request: FastifyRequest, projectId: string) => void
    /** That 404 or 401, returned instead of thrown (undefined when allowed), for a check inside a shared transaction. */
    keyManagerRefusal: (request: FastifyRequest, projectId: string) => HttpError | undefined
    /** Signs and verifies user tokens (HS256 with JWT_SECRET, RS256 with signingKey). */
    jwt: JwtService
    /** The RSA key pair of RS256 user tokens, published at the JWKS route. */
    signingKey: SigningKeySource
  }
  interface FastifyRequest {
    caller: Caller | null
    lastUsedClaimed: boolean
  }
}

function bearerToken (request: FastifyRequest): string {
  const header = request.headers.authorization
  if (header === undefined) throw missingCredentials()
  // Node keeps only the first of repeated Authorization headers; refuse the ambiguity instead.
  if (request.raw.rawHeaders.filter((_, i) => i % 2 === 0 && _.toLowerCase() === 'authorization').length > 1) throw invalidToken()
  const match = /^(\S+)(?:[ \t]+(.*))?$/.exec(header)
  if (match === null || match[1]!.toLowerCase() !== 'bearer') throw missingCredentials()
  const token = (match[2] ?? '').trim()
  if (token === '') throw missingCredentials()
  if (/\s/.test(token)) throw invalidToken()
  return token
}

export interface AuthOptions extends Omit<JwtSettings, 'signingKey'> {
  /** A PEM file with the RS256 private key; without it the database keeps a generated one. */
  privateKeyFile?: string | undefined
}

export default fp<AuthOptions>(async function authPlugin (app, options) {
  const { privateKeyFile, ...settings } = options
  // Real time, not the clock: making the key on first use must not take a CLOCK tick that a run after a reset would not.
  const signingKey = signingKeySource(app.db, systemClock, privateKeyFile)
  const jwt = createJwtService({ ...settings, signingKey })
  app.decorate('signingKey', signingKey)
  app.decorate('jwt', jwt)
  app.decorateRequest('caller', null)
  app.decorateRequest('lastUsedClaimed', false)
  app.decorate('claimLastUsed', (request: FastifyRequest) => {
    if (request.caller?.kind !== 'key') return undefined
    request.lastUsedClaimed = true
    return request.caller.keyId
  })

  function identify (request: FastifyRequest): void {
    const token = bearerToken(request)
    if (looksLikeApiKey(token)) {
      const key = app.keys.findBySecret(token)
      if (key === undefined) throw invalidToken()
      request.caller = { kind: 'key', keyId: key.id, projectId: key.projectId, roles: key.roles.split(',') }
      return
    }
    const result = jwt.verify(token)
    if (!result.ok) {
      request.log.info({ reason: result.reason }, 'bearer token refused')
      throw invalidToken()
    }
    request.caller = { kind: 'user', userId: result.sub }
  }
  app.decorate('authenticate', function authenticate (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) {
    try {
      identify(request)
    } catch (error) {
      return done(error as Error)
    }
    done()
  })

  function keyManagerRefusal (request: FastifyRequest, projectId: string): HttpError | undefined {
    const caller = request.caller!
    let access: 'manage' | 'view' | 'none'
    if (caller.kind === 'key') {
      access = caller.projectId !== projectId ? 'none' : caller.roles.includes('admin') ? 'manage' : 'view'
    } else {
      const role = app.access.memberRole(projectId, caller.userId)
      access = role === undefined ? 'none' : role === 'member' ? 'view' : 'manage'
    }
    if (access === 'none') return keyNotFound()
    if (access === 'view') return insufficientScope()
    return undefined
  }
  app.decorate('keyManagerRefusal', keyManagerRefusal)
  app.decorate('requireKeyManager', function requireKeyManager (request: FastifyRequest, projectId: string) {
    const refusal = keyManagerRefusal(request, projectId)
    if (refusal !== undefined) throw refusal
  })

  // last_used records successful uses only: a refused request changes nothing.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.caller?.kind === 'key' && reply.statusCode < 300 && !request.lastUsedClaimed) {
      try {
        app.keys.touch(request.caller.keyId)
      } catch (error) {
        // The answer is decided and its own write committed: a 500 now would report a change that happened as failed.
        request.log.error({ err: error }, 'last_used not recorded')
      }
    }
    done(null, payload)
  })
}, { name: 'auth', dependencies: ['database'] })
