import { createHash, timingSafeEqual } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { badRequest, ErrorSchema, routeNotFound } from '../errors.js'
import { DURATION_HINT, parseDuration } from '../services/duration.js'
import { checkFixture, FixtureError } from '../services/fixtures.js'
import { callerOf, createJournal, redact } from '../services/journal.js'

export interface AdminOptions {
  token: string
  journalSize: number
}

// A fixture can be bigger than any key operation's body.
const FIXTURE_BODY_LIMIT = 1024 * 1024
const PREFIX = '/__admin'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** The control plane for contract tests: only with ADMIN_TOKEN, and only for that bearer; to anyone else it does not exist. */
const admin: FastifyPluginAsyncTypebox<AdminOptions> = async (app, options) => {
  const expected = digest(options.token)
  const journal = createJournal(options.journalSize)

  // Every other request is journaled once answered: identity, never credentials; bodies with secrets blanked.
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0]!
    if (path === PREFIX || path.startsWith(`${PREFIX}/`)) return
    journal.add({
      time: new Date().toISOString(),
      request_id: request.id,
      method: request.method,
      path,
      status: reply.statusCode,
      caller: callerOf(request.caller),
      body: request.body === undefined ? null : redact(request.body, [options.token])
    })
  })

  async function onlyForTheAdmin (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    // The scheme is case-insensitive, as for every bearer (DESIGN section 2).
    const given = /^bearer (.*)$/i.exec(request.headers.authorization ?? '')?.[1]
    // Compared as digests: no early exit, and no length leak.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) return await reply.code(404).send(routeNotFound(request))
    return undefined
  }

  const routes: FastifyPluginAsyncTypebox = async (scope) => {
    scope.addHook('onRequest', onlyForTheAdmin)
    const schema = { hide: true }

    scope.post('/reset', { schema: { ...schema, response: { 200: Type.Object({ created: Type.Integer() }) } } }, async () => {
      return scope.resetToSeed()
    })

    scope.post('/fixtures', {
      bodyLimit: FIXTURE_BODY_LIMIT,
      schema: { ...schema, body: Type.Unknown(), response: { 200: Type.Object({ created: Type.Integer() }), 400: ErrorSchema } }
    }, async (request) => {
      try {
        return scope.loadFixture(checkFixture(request.body))
      } catch (error) {
        if (error instanceof FixtureError) throw badRequest(error.message)
        throw error
      }
    })

    scope.get('/requests', {
      schema: {
        ...schema,
        querystring: Type.Object({
          path: Type.Optional(Type.String({ minLength: 1 })),
          status: Type.Optional(Type.String({ pattern: '^[1-5][0-9][0-9]$' }))
        }, { additionalProperties: false })
      }
    }, async (request) => {
      const { path, status } = request.query
      return { requests: journal.entries({ path, status: status === undefined ? undefined : Number(status) }) }
    })

    scope.delete('/requests', { schema }, async () => {
      journal.clear()
      return { requests: [] }
    })

    scope.post('/tokens', {
      schema: {
        ...schema,
        body: Type.Object({
          user: Type.String({ minLength: 1 }),
          alg: Type.Optional(Type.String()),
          expires_in: Type.Optional(Type.String({ minLength: 1 }))
        }, { additionalProperties: false }),
        response: { 200: Type.Object({ token: Type.String(), alg: Type.String(), expires_at: Type.String() }), 400: ErrorSchema }
      }
    }, async (request) => {
      const { user, alg = 'HS256', expires_in: expiresText = '1h' } = request.body
      // Checked here, not by the schema, so the 400 lists the choices.
      if (alg !== 'HS256' && alg !== 'RS256') throw badRequest(`"alg" must be HS256 or RS256 (got ${JSON.stringify(alg)})`)
      const expiresIn = parseDuration(expiresText)
      if (expiresIn === undefined) throw badRequest(`"expires_in" must ${DURATION_HINT} (got ${JSON.stringify(expiresText)})`)
      const now = Date.now()
      const token = scope.jwt.sign(user, { expiresIn, alg, now })
      return { token, alg, expires_at: new Date((Math.floor(now / 1000) + expiresIn) * 1000).toISOString() }
    })
  }
  await app.register(routes, { prefix: PREFIX })
}

// fastify-plugin: the journal hook must see every route, not only the control plane's.
export default fp(admin, { name: 'admin', dependencies: ['database', 'auth'] })
