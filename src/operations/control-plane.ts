// The control plane (README "Control plane", "In-process use"): every operation of it, once. POST/GET/DELETE under
// /__admin (src/routes/admin/), startMockServer (src/mock-server.ts) and the CLI (src/cli.ts) only translate their
// input into these calls and word what comes back; none of them validates anything itself.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Value } from '@sinclair/typebox/value'
import { SYSTEM } from '../domain/credential.js'
import { faultRuleProblem, FaultRuleSchema, type FaultAction, type FaultRequest, type FaultRule, type StoredFault } from '../domain/faults.js'
import { checkFixture, FixtureError } from '../domain/fixture.js'
import type { JwtService } from '../domain/jwt.js'
import { DEFAULT_NAMESPACE, namespaceNameProblem } from '../domain/namespace.js'
import { badInput, done, refused, type Outcome } from '../domain/refusal.js'
import { ProviderStatesError, stateFixture, type ProviderStates } from '../domain/provider-states.js'
import type { Namespaces } from '../namespaces.js'
import type { World } from '../world.js'
import { CONTRACT_OPERATIONS, OPERATION_IDS } from './contract.js'
import { clearCoverage, coverageOf, coverageReport, type CoverageReport } from './coverage.js'
import { createKeyNow, type CreatedKey } from './create-key.js'
import { countRequests, countRequestsSliced, findRequests, findRequestsPage, type Home, type JournalEntry, type Page, type Paging, type RequestFilter } from './requests.js'
import { countRows, loadFixture, replaceWithFixture, resetToSeed } from './seed.js'
import { mintToken, type MintedToken } from './tokens.js'
import type { ProxyDriftReport, ProxyFindings } from './proxy-findings.js'

/** The rule of a refused namespace drop: a bad name, or the default namespace (which only resets). */
export const DROP_DEFAULT = 'namespace-default'

export type NamespaceRow = { name: string } & ReturnType<typeof countRows>

// What the HTTP door's hooks keep of each request, through here rather than the world's parts.

/** Keeps an answered request in the journal of its world. */
export const journalRequest = (world: World, entry: Parameters<World['journal']['add']>[0]): void => { world.journal.add(entry) }

/** The fault, if any, that the world's rules give this request, counted as a hit. */
export const faultFor = (world: World, request: FaultRequest): FaultAction | undefined => world.faults.decide(request)

/** Counts an answer of a contract operation in the world's coverage, under the rule that refused it, if one did. */
export const countAnswer = (world: World, operation: string, status: number, rule: string | null): void => { world.coverage.hit(operation, status, rule) }

/** Throws when the world's database cannot be read (GET /ready). */
export const ping = (world: World): void => { world.ping() }

/** A fault rule as given (any JSON), checked against its schema and the contract: the one check of every front door. */
function checkFault (rule: unknown): Outcome<FaultRule> {
  const problem = Value.Check(FaultRuleSchema, rule)
    ? faultRuleProblem(rule, CONTRACT_OPERATIONS)
    : `${Value.Errors(FaultRuleSchema, rule).First()?.path ?? ''} ${Value.Errors(FaultRuleSchema, rule).First()?.message ?? 'is invalid'}`.trim()
  return problem === undefined ? done(rule as FaultRule) : refused(badInput('fault', undefined, problem))
}

/** The control plane of one server: its namespaces, its token service, and a proxy's findings. `world` is always the asker's own. */
export function createControlPlane (namespaces: Namespaces, jwt: JwtService, proxyFindings?: ProxyFindings) {
  /** Where a query is asked from: the asker's world, its namespace, and the other open ones. */
  const home = (world: World): Home => ({ world, namespace: world.name, lookup: name => namespaces.find(name) })
  const list = (): Array<{ name: string, world: World }> => namespaces.list()

  return {
    /** Back to the seed (and the clock to its start), after every request already in. */
    reset: async (world: World): Promise<{ created: number }> => await resetToSeed(world),

    /** A fixture as given (any JSON), checked and loaded in one transaction, or its refusal and nothing of it. */
    async loadFixture (world: World, fixture: unknown): Promise<Outcome<{ created: number }>> {
      try {
        return done(await loadFixture(world, checkFixture(fixture)))
      } catch (error) {
        if (error instanceof FixtureError) return refused(badInput('fixture', undefined, error.message))
        throw error
      }
    },

    /**
     * A Pact provider state (POST /__admin/provider-states): its setup empties the world and loads the state's fixture
     * in one transaction, its teardown changes nothing (the next setup replaces everything); an unknown state, or params
     * its fixture cannot take, refused with nothing changed.
     */
    async providerState (world: World, provided: { states: ProviderStates, source: string }, state: string, params: Record<string, unknown> | undefined, action: 'setup' | 'teardown'): Promise<Outcome<{ created: number }>> {
      const { states, source } = provided
      if (!states.has(state)) {
        return refused(badInput('state', undefined, `unknown provider state ${JSON.stringify(state)}: ${source} knows ${[...states.keys()].map(name => JSON.stringify(name)).join(', ')}`))
      }
      if (action === 'teardown') return done({ created: 0 })
      try {
        return done(await replaceWithFixture(world, stateFixture(states, state, params), `provider state ${JSON.stringify(state)}`))
      } catch (error) {
        if (error instanceof ProviderStatesError || error instanceof FixtureError) return refused(badInput('state', undefined, `provider state ${JSON.stringify(state)} ${error.message}`))
        throw error
      }
    },

    /** One page of the answered requests that match (GET /__admin/requests). */
    requestsPage: async (world: World, filter: RequestFilter, paging: Paging): Promise<Outcome<Page>> =>
      await findRequestsPage(home(world), filter, paging, OPERATION_IDS),
    /** How many answered requests match, the event loop turning between slices. */
    countRequestsSliced: async (world: World, filter: RequestFilter): Promise<Outcome<number>> =>
      await countRequestsSliced(home(world), filter, OPERATION_IDS),
    /** Every answered request that matches, at once (in-process, where nothing else waits on the loop). */
    requests: (world: World, filter: RequestFilter): Outcome<JournalEntry[]> => findRequests(home(world), filter, OPERATION_IDS),
    count: (world: World, filter: RequestFilter): Outcome<number> => countRequests(home(world), filter, OPERATION_IDS),
    /** Forgets the journal of the asker's namespace. */
    clearRequests (world: World): { requests: [] } {
      world.journal.clear()
      return { requests: [] }
    },

    /** Every open namespace with its counts; counted a few at a time, the event loop turning between. */
    async namespaces (): Promise<NamespaceRow[]> {
      // 1,000 namespaces took 120 ms at once, /health waiting behind them.
      const rows: NamespaceRow[] = []
      let slice = performance.now()
      for (const { name, world } of list()) {
        if (performance.now() - slice > 2) {
          await nextTurn()
          slice = performance.now()
        }
        if (!world.closing) rows.push({ name, ...countRows(world) })
      }
      return rows
    },

    /** A namespace's world, opened from the seed on first use (a limit or the name may refuse: NamespaceLimitError). */
    namespaceProblem: (name: string): string | undefined => namespaceNameProblem(name),
    openNamespace: (name: string): World => namespaces.get(name),
    /** The open namespace of this name, never opening one. */
    openedNamespace: (name: string): World | undefined => namespaces.find(name),

    /** Closes a namespace and deletes its data: false when it had none; the default one is refused (reset it). */
    async dropNamespace (name: string): Promise<Outcome<boolean>> {
      const problem = namespaceNameProblem(name)
      if (problem !== undefined) return refused(badInput('namespace', 'namespace', problem))
      if (name === DEFAULT_NAMESPACE) return refused(badInput(DROP_DEFAULT, undefined, 'The default namespace cannot be dropped'))
      return done(await namespaces.drop(name))
    },

    checkFault,
    /** A fault rule as given (any JSON), checked, added to the world's rules with its id. */
    addFault (world: World, rule: unknown): Outcome<StoredFault> {
      const checked = checkFault(rule)
      return checked.ok ? done(world.faults.add(checked.value)) : checked
    },
    faults: (world: World): StoredFault[] => world.faults.list(),
    clearFaults (world: World): StoredFault[] {
      world.faults.clear()
      return []
    },
    /** The rules left once `id` is gone; undefined when there was no such rule. */
    removeFault: (world: World, id: string): StoredFault[] | undefined => world.faults.remove(id) ? world.faults.list() : undefined,

    /** What the requests exercised of the contract: the asker's namespace, or those `namespace` names (a,b or *). */
    coverage: (world: World, namespace: string | undefined): Outcome<CoverageReport> =>
      coverageOf(home(world), namespace, list, CONTRACT_OPERATIONS),
    /** Counting starts again in the asker's namespace; its (empty) report. */
    clearCoverage (world: World): CoverageReport {
      clearCoverage(world)
      return coverageReport(world, world.name, CONTRACT_OPERATIONS)
    },

    /** What the validating proxy found so far (docs/drift.md), once every exchange in flight is analysed; undefined when this server is no proxy. */
    async drift (): Promise<ProxyDriftReport | undefined> {
      if (proxyFindings === undefined) return undefined
      await proxyFindings.settled()
      return proxyFindings.report()
    },

    /** A user JWT this server accepts. */
    token: (input: { user: string, alg?: string | undefined, expiresIn?: string | undefined }): Outcome<MintedToken> => mintToken(jwt, input),
    /** A new API key in an existing project of the world, made by the trusted SYSTEM caller. */
    createKey: (world: World, input: { projectId: string, label: string, roles: string }): Outcome<CreatedKey> => createKeyNow(world, SYSTEM, input)
  }
}

export type ControlPlane = ReturnType<typeof createControlPlane>
