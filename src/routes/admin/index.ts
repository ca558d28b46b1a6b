// The control plane for contract tests (README "Control plane"): only with ADMIN_TOKEN, and only for that bearer;
// to anyone else it does not exist, byte for byte. Its routes are never journaled (src/plugins/journal.ts).
import { createHash, timingSafeEqual } from 'node:crypto'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseBearer } from '../../domain/credential.js'
import { faultRuleProblem, FaultRuleSchema } from '../../domain/faults.js'
import { checkFixture, FixtureError } from '../../domain/fixture.js'
import { DEFAULT_NAMESPACE, namespaceNameProblem } from '../../domain/namespace.js'
import { enterNamespace, namespaceRefusal } from '../../http/namespace.js'
import { answerNoRoute } from '../../http/no-route.js'
import { badRequest, ErrorSchema, routeNotFound, valueOf } from '../../http/refusals.js'
import { clearCoverage, coverageOf, coverageReport } from '../../operations/coverage.js'
import { countRequestsSliced, FILTERS, findRequestsPage, type Home, type Paging, type RequestFilter } from '../../operations/requests.js'
import { countRows, loadFixture, resetToSeed } from '../../operations/seed.js'
import { mintToken } from '../../operations/tokens.js'
import { CONTRACT_OPERATIONS, OPERATION_IDS } from '../../plugins/coverage.js'
import { CONTROL_PLANE } from '../../plugins/journal.js'
import type { ProviderStates } from '../../domain/provider-states.js'
import providerStatesRoutes, { stateChangePassword } from './provider-states.js'

export interface AdminOptions { token: string, providerStates?: { states: ProviderStates, source: string } | undefined }

// A fixture can be bigger than any key operation's body.
const FIXTURE_BODY_LIMIT = 1024 * 1024

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** The asker's world and namespace (the one X-Mock-Namespace names, the default one without it), and the others open. */
const home = (request: FastifyRequest): Home =>
  ({ world: request.world, namespace: request.world.name, lookup: name => request.server.namespaces.find(name) })

const routes: FastifyPluginAsyncTypebox<AdminOptions> = async (app, options) => {
  const expected = digest(options.token)

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
    return await resetToSeed(request.world)
  })

  app.post('/fixtures', {
    config,
    bodyLimit: FIXTURE_BODY_LIMIT,
    schema: { ...schema, body: Type.Unknown(), response: { 200: Type.Object({ created: Type.Integer() }), 400: ErrorSchema } }
  }, async (request) => {
    try {
      return await loadFixture(request.world, checkFixture(request.body))
    } catch (error) {
      if (error instanceof FixtureError) throw badRequest('fixture', error.message)
      throw error
    }
  })

  // The verification filters (docs/coverage.md): only their names here; the operation checks their values.
  const filters = Type.Object(Object.fromEntries(FILTERS.map(name => [name, Type.Optional(Type.String())])), { additionalProperties: false })

  // One page at a time (docs/coverage.md): `limit` entries at most, `after` the `next` of the answer before.
  const paged = Type.Object({ ...filters.properties, limit: Type.Optional(Type.String()), after: Type.Optional(Type.String()) }, { additionalProperties: false })
  app.get('/requests', { config, schema: { ...schema, querystring: paged } }, async (request) => {
    const { limit, after, ...filter } = request.query as RequestFilter & Paging
    return valueOf(await findRequestsPage(home(request), filter, { limit, after }, OPERATION_IDS))
  })

  app.get('/requests/count', { config, schema: { ...schema, querystring: filters } }, async (request) => {
    return { count: valueOf(await countRequestsSliced(home(request), request.query as RequestFilter, OPERATION_IDS)) }
  })

  app.delete('/requests', { config, schema }, async (request) => {
    request.world.journal.clear()
    return { requests: [] }
  })

  // Counted a few at a time, the event loop turning between: 1,000 namespaces took 120 ms, /health waiting behind them.
  app.get('/namespaces', { config, schema }, async () => {
    const namespaces: Array<{ name: string } & ReturnType<typeof countRows>> = []
    let slice = performance.now()
    for (const { name, world } of app.namespaces.list()) {
      if (performance.now() - slice > 2) {
        await nextTurn()
        slice = performance.now()
      }
      if (!world.closing) namespaces.push({ name, ...countRows(world) })
    }
    return { namespaces }
  })

  app.delete('/namespaces/:name', {
    config,
    schema: { ...schema, params: Type.Object({ name: Type.String() }) }
  }, async (request, reply) => {
    const { name } = request.params
    const problem = namespaceNameProblem(name)
    if (problem !== undefined) throw badRequest('namespace', `The namespace name ${problem}`)
    if (name === DEFAULT_NAMESPACE) throw badRequest('namespace', 'The default namespace cannot be dropped: reset it with POST /__admin/reset')
    let dropped: boolean
    try {
      dropped = await app.namespaces.drop(name)
    } catch (error) {
      throw namespaceRefusal(name, error) ?? error
    }
    if (!dropped) return await reply.code(404).send({ error: 'Not Found', message: `No namespace ${JSON.stringify(name)}` })
    return { dropped: name }
  })

  app.post('/faults', {
    config,
    schema: { ...schema, body: FaultRuleSchema }
  }, async (request) => {
    const problem = faultRuleProblem(request.body, CONTRACT_OPERATIONS)
    if (problem !== undefined) throw badRequest('fault', problem)
    return request.world.faults.add(request.body)
  })

  app.get('/faults', { config, schema }, async (request) => ({ faults: request.world.faults.list() }))

  app.delete('/faults', { config, schema }, async (request) => {
    request.world.faults.clear()
    return { faults: [] }
  })

  app.delete('/faults/:id', { config, schema: { ...schema, params: Type.Object({ id: Type.String() }) } }, async (request, reply) => {
    if (!request.world.faults.remove(request.params.id)) return await reply.code(404).send({ error: 'Not Found', message: `No fault rule ${JSON.stringify(request.params.id)}` })
    return { faults: request.world.faults.list() }
  })

  // ?namespace= reads another open namespace's report, as the requests' filter of that name does; a,b or * sums several.
  const coverageQuery = Type.Object({ namespace: Type.Optional(Type.String()) }, { additionalProperties: false })
  app.get('/coverage', { config, schema: { ...schema, querystring: coverageQuery } }, async (request) => {
    return valueOf(coverageOf(home(request), (request.query as { namespace?: string }).namespace, () => app.namespaces.list(), CONTRACT_OPERATIONS))
  })

  app.delete('/coverage', { config, schema }, async (request) => {
    const { world, namespace } = home(request)
    clearCoverage(world)
    return coverageReport(world, namespace, CONTRACT_OPERATIONS)
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
    const minted = valueOf(mintToken(app.jwt, { user, alg, expiresIn }))
    return { token: minted.token, alg: minted.alg, expires_at: minted.expires_at }
  })
}

export default async function controlPlane (app: Parameters<typeof routes>[0], options: AdminOptions): Promise<void> {
  await app.register(routes, { ...options, prefix: CONTROL_PLANE })
}
