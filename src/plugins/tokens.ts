// The server's user tokens: one JWT service (JWT_SECRET, the RS256 key pair) for every route that needs it.
import fp from 'fastify-plugin'
import type { JwtService } from '../domain/jwt.js'
import type { SigningKeySource } from '../domain/signing-key.js'
import { tokenService, type TokenSettings } from '../operations/tokens.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs and verifies user tokens (HS256 with JWT_SECRET, RS256 with signingKey). */
    jwt: JwtService
    /** The RSA key pair of RS256 user tokens, published at the JWKS route. */
    signingKey: SigningKeySource
  }
}

export default fp<TokenSettings>(async function tokensPlugin (app, settings) {
  const { jwt, signingKey } = tokenService(settings, app.world)
  app.decorate('jwt', jwt)
  // With a world there always is one: the PEM file's, or the database's.
  app.decorate('signingKey', signingKey!)
}, { name: 'tokens', dependencies: ['world'] })
