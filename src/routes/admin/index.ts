// The control plane for contract tests (README "Control plane"): only with ADMIN_TOKEN, and only for that bearer;
// to anyone else it does not exist, byte for byte. Its routes are never journaled (src/plugins/journal.ts).
import { createHash, timingSafeEqual } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseBearer } from '../../domain/credential.js'
import { FaultRuleSchema } from '../../domain/faults.js'
import { enterNamespace, namespaceRefusal } from '../../http/namespace.js'
import { answerNoRoute } from '../../http/no-route.js'
import { badRequest, ErrorSchema, routeNotFound, valueOf } from '../../http/refusals.js'
import { DROP_DEFAULT } from '../../operations/control-plane.js'
import { FILTERS, type Paging, type RequestFilter } from '../../operations/requests.js'
import { CONTROL_PLANE } from '../../plugins/journal.js'
import type { ProviderStates } from '../../domain/provider-states.js'
import providerStatesRoutes, { stateChangePassword } from './provider-states.js'
import { proxyMarkdown } from '../../proxy/report.js'

export interface AdminOptions { token: string, providerStates?: { states: ProviderStates, source: string } | undefined }

// A fixture can be bigger than any key operation's body.
const FIXTURE_BODY_LIMIT = 1024 * 1024

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

const routes: FastifyPluginAsyncTypebox<AdminOptions> = async (app, options) => {
  const expected = digest(options.token)
  // Every route below is a thin adapter: the asker's world (its X-Mock-Namespace's) in, the operation's value out.
  const plane = app.controlPlane

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = parseBearer(request.headers.authorization)
    const given = typeof bearer === 'string' ? bearer : stateChangePassword(request)
    // Compared as digests: no early exit, and no length leak.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) return await reply.code(404).send(routeNotFound(request))
    // The control plane opens the namespace its request names.
    const refused = enterNamespace(request)
    if (refused !== undefined) throw refused
  })
  // Under /__admin the 405 of a wrong method goes to its bearer only (the hook above runs first): to others the plane is absent.
  app.setNotFoundHandler(answerNoRoute)
  const config = { controlPlane: true }
  const schema = { hide: true }
  if (options.providerStates !== undefined) await app.register(providerStatesRoutes, options.providerStates)

  app.post('/reset', { config, schema: { ...schema, response: { 200: Type.Object({ created: Type.Integer() }) } } }, async (request) => {
    return await plane.reset(request.world)
  })

  app.post('/fixtures', {
    config,
    bodyLimit: FIXTURE_BODY_LIMIT,
    schema: { ...schema, body: Type.Unknown(), response: { 200: Type.Object({ created: Type.Integer() }), 400: ErrorSchema } }
  }, async (request) => {
    return valueOf(await plane.loadFixture(request.world, request.body))
  })

  // The verification filters (docs/coverage.md): only their names here; the operation checks their values.
  const filters = Type.Object(Object.fromEntries(FILTERS.map(name => [name, Type.Optional(Type.String())])), { additionalProperties: false })

  // One page at a time (docs/coverage.md): `limit` entries at most, `after` the `next` of the answer before.
  const paged = Type.Object({ ...filters.properties, limit: Type.Optional(Type.String()), after: Type.Optional(Type.String()) }, { additionalProperties: false })
  app.get('/requests', { config, schema: { ...schema, querystring: paged } }, async (request) => {
    const { limit, after, ...filter } = request.query as RequestFilter & Paging
    return valueOf(await plane.requestsPage(request.world, filter, { limit, after }))
  })

  app.get('/requests/count', { config, schema: { ...schema, querystring: filters } }, async (request) => {
    return { count: valueOf(await plane.countRequestsSliced(request.world, request.query as RequestFilter)) }
  })

  app.delete('/requests', { config, schema }, async (request) => plane.clearRequests(request.world))

  app.get('/namespaces', { config, schema }, async () => ({ namespaces: await plane.namespaces() }))

  app.delete('/namespaces/:name', {
    config,
    schema: { ...schema, params: Type.Object({ name: Type.String() }) }
  }, async (request, reply) => {
    const { name } = request.params
    let dropped
    try {
      dropped = await plane.dropNamespace(name)
    } catch (error) {
      throw namespaceRefusal(name, error) ?? error
    }
    if (!dropped.ok && dropped.refusal.kind === 'bad-input') {
      const { rule, message } = dropped.refusal
      throw badRequest('namespace', rule === DROP_DEFAULT ? `${message}: reset it with POST /__admin/reset` : `The namespace name ${message}`)
    }
    if (!valueOf(dropped)) return await reply.code(404).send({ error: 'Not Found', message: `No namespace ${JSON.stringify(name)}` })
    return { dropped: name }
  })

  app.post('/faults', {
    config,
    schema: { ...schema, body: FaultRuleSchema }
  }, async (request) => valueOf(plane.addFault(request.world, request.body)))

  app.get('/faults', { config, schema }, async (request) => ({ faults: plane.faults(request.world) }))

  app.delete('/faults', { config, schema }, async (request) => ({ faults: plane.clearFaults(request.world) }))

  app.delete('/faults/:id', { config, schema: { ...schema, params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    const faults = plane.removeFault(request.world, request.params.id)
    if (faults === undefined) return await reply.code(404).send({ error: 'Not Found', message: `No fault rule ${JSON.stringify(request.params.id)}` })
    return { faults }
  })

  // ?namespace= reads another open namespace's report, as the requests' filter of that name does; a,b or * sums several.
  const coverageQuery = Type.Object({ namespace: Type.Optional(Type.String()) }, { additionalProperties: false })
  app.get('/coverage', { config, schema: { ...schema, querystring: coverageQuery } }, async (request) => {
    return valueOf(plane.coverage(request.world, (request.query as { namespace?: string }).namespace))
  })

  app.delete('/coverage', { config, schema }, async (request) => plane.clearCoverage(request.world))

  // What a validating proxy found (docs/drift.md): JSON, or markdown with ?format=markdown.
  const driftQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('markdown')])) }, { additionalProperties: false })
  app.get('/drift', { config, schema: { ...schema, querystring: driftQuery } }, async (request, reply) => {
    const report = await plane.drift()
    if (report === undefined) return await reply.code(404).send({ error: 'Not Found', message: 'This server is no proxy: /__admin/drift reports what basic-admin-mock proxy --target URL found' })
    if ((request.query as { format?: string }).format === 'markdown') return await reply.type('text/markdown; charset=utf-8').send(proxyMarkdown(report))
    return report
  })

  app.post('/tokens', {
    config,
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
    const { user, alg, expires_in: expiresIn } = request.body
    const minted = valueOf(plane.token({ user, alg, expiresIn }))
    return { token: minted.token, alg: minted.alg, expires_at: minted.expires_at }
  })
}

export default async function controlPlane (app: Parameters<typeof routes>[0], options: AdminOptions): Promise<void> {
  await app.register(routes, { ...options, prefix: CONTROL_PLANE })
}
