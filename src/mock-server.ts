// The whole server in a consumer's own test process (README "In-process use"): a free port, an in-memory database.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { closestMatch } from 'leven'
import { buildApp } from './app.js'
import { loadConfig, type Config } from './settings/config.js'
import type { FaultRule, StoredFault } from './domain/faults.js'
import { checkFixture, readFixtureFile, type Fixture } from './domain/fixture.js'
import type { Outcome, Refusal } from './domain/refusal.js'
import { DROP_DEFAULT } from './operations/control-plane.js'
import type { CoverageReport } from './operations/coverage.js'
import type { CreatedKey } from './operations/create-key.js'
import type { JournalEntry, RequestFilter } from './operations/requests.js'
import { NamespaceLimitError } from './namespaces.js'
import type { World } from './world.js'
import { loadTls } from './settings/tls.js'
import type { ProxyDriftReport } from './operations/proxy-findings.js'
import { proxySettings, type ProxyOptions } from './proxy/settings.js'
import { listenerUrls, listenTls } from './tls-listener.js'

export interface MockServerOptions {
  /** The seed: a fixture object or the path of a fixture file. Default: the demo data (proj_demo, user_demo, key_demo). */
  fixture?: Fixture | string
  /** Default ':memory:', a fresh database per server. */
  databasePath?: string
  /** Default 0, a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** HS256 secret of user tokens; default a random one, so only token() mints tokens this server accepts. */
  jwtSecret?: string
  jwtIssuer?: string
  jwtAudience?: string
  /** An ISO instant: the clock starts there and moves 1 ms per write (see CLOCK). */
  clock?: string
  /** Enables the /__admin control plane for this bearer token (at least 16 visible ASCII characters). */
  adminToken?: string
  /** Default 'silent'. */
  logLevel?: Config['LOG_LEVEL']
  /** Where the fault rules' probabilities start (FAULT_SEED); default '0'. */
  faultSeed?: string
  /** How many namespaces may be open besides the default one (NAMESPACE_LIMIT); default 1000. */
  namespaceLimit?: number
  /** HTTPS with a self-signed certificate made now (HTTPS): true for localhost, 127.0.0.1 and ::1, or these host names. */
  https?: boolean | string[]
  /** HTTPS with this PEM certificate file and its private key file (TLS_CERT, TLS_KEY). */
  tlsCert?: string
  tlsKey?: string
  /** A JSON file of Pact provider states for POST /__admin/provider-states (PROVIDER_STATES; needs adminToken). */
  providerStates?: string
  /** With https or tlsCert: HTTPS on this port (0 a free one) and plain HTTP on `port` (HTTPS_PORT); default HTTPS alone. */
  httpsPort?: number
  /**
   * A validating proxy (docs/drift.md): every request but /__admin is forwarded to `target` and its answer comes back
   * unchanged; each exchange is checked and journaled in the namespace "proxy". A target that is a mock is refused.
   */
  proxy?: ProxyOptions
}

export type { CoverageReport, CreatedKey, FaultRule, JournalEntry, ProxyDriftReport, ProxyOptions, RequestFilter, StoredFault }

/** One namespace's isolated world (README "Parallel suites"): send `headers` with each request to act in it. */
export interface MockNamespace {
  name: string
  headers: { 'x-mock-namespace': string }
  /** Back to the seed, this namespace only. */
  reset: () => Promise<void>
  /** A user JWT this server accepts (users are the namespace's own). */
  token: MockServer['token']
  /** A new API key in a project of this namespace. */
  createKey: MockServer['createKey']
  /**
   * Closes the namespace and deletes its data (DELETE /__admin/namespaces/{name}); false when it had none. Its
   * methods then throw a TypeError; mock.namespace(name) opens it again from the seed.
   */
  drop: () => Promise<boolean>
}

export interface MockFaults {
  /** Adds a fault rule (README "Unhappy paths") to the default namespace, or to the open `namespace`; returns it with its id. */
  add: (rule: FaultRule, namespace?: string) => StoredFault
  /** Clears the rules of the default namespace, or of the open `namespace`. */
  clear: (namespace?: string) => void
}

export interface CoverageOptions {
  /** An open namespace, several (summed), or '*' for every open one; default: the default namespace. */
  namespace?: string | readonly string[]
}

export interface MockServer {
  /** e.g. http://127.0.0.1:41234, no trailing slash (https:// with HTTPS alone) */
  url: string
  /** With HTTPS: its URL (the same as url unless httpsPort gave it a port of its own). */
  httpsUrl?: string
  /** With HTTPS: the certificate (PEM) a client trusts, e.g. new Agent({ connect: { ca } }), its file and SHA-256 fingerprint. */
  certificate?: { pem: string, path: string, fingerprint: string }
  /** The Fastify instance, for inject() and anything else in-process. */
  app: FastifyInstance
  close: () => Promise<void>
  /** Back to the seed (and the clock to its start), in one transaction, after every request already in. */
  reset: () => Promise<void>
  /** A user JWT this server accepts. */
  token: (userId: string, options?: { alg?: 'HS256' | 'RS256', expiresIn?: string }) => string
  /** A new API key in an existing project; label and roles follow the API's body rules. */
  createKey: (projectId: string, label: string, roles: string) => CreatedKey
  /**
   * The namespace of that name, created from the seed on first use. A bad name is a TypeError (so is one that differs
   * from an existing name only in case); past `namespaceLimit` it is a RangeError saying to drop one.
   */
  namespace: (name: string) => MockNamespace
  /** Fault rules; only with `adminToken` (faults exist only with the control plane). */
  faults: MockFaults
  /** The answered requests that match (GET /__admin/requests), oldest first, at most the journal's size. */
  requests: (filter?: RequestFilter) => JournalEntry[]
  /** How many answered requests match (GET /__admin/requests/count). */
  count: (filter?: RequestFilter) => number
  /**
   * What the requests since the start or the last reset exercised of the contract (GET /__admin/coverage): the
   * default namespace's, or `{ namespace }`'s: an open namespace, several (an array or 'a,b', summed), or '*' for all.
   */
  coverage: (options?: CoverageOptions) => CoverageReport
  /** With the proxy option: what it found so far (GET /__admin/drift), once every exchange in flight is analysed. */
  drift: () => Promise<ProxyDriftReport>
}

const OPTIONS: Array<keyof MockServerOptions> = ['fixture', 'databasePath', 'port', 'host', 'jwtSecret', 'jwtIssuer', 'jwtAudience', 'clock', 'adminToken', 'logLevel', 'faultSeed', 'namespaceLimit', 'https', 'tlsCert', 'tlsKey', 'httpsPort', 'providerStates', 'proxy']

/** A misspelt option would otherwise be ignored, and the consumer's calls would all meet the demo data. */
function checkOptionNames (options: object): void {
  const plain = (name: string): string => name.toLowerCase().replace(/[-_]/g, '')
  for (const name of Object.keys(options)) {
    if ((OPTIONS as string[]).includes(name)) continue
    const closest = closestMatch(plain(name), OPTIONS.map(plain), { maxDistance: Math.max(2, Math.floor(name.length / 3)) })
    const known = OPTIONS.find(option => plain(option) === closest)
    throw new TypeError(`startMockServer: unknown option ${JSON.stringify(name)} (${known === undefined ? `known: ${OPTIONS.join(', ')}` : `did you mean ${JSON.stringify(known)}?`})`)
  }
}

/** A refusal as the TypeError of this API, naming the option or argument as the caller wrote it. */
const typeError = (refusal: Refusal): TypeError => new TypeError(refusal.kind === 'bad-input'
  ? (refusal.field === undefined ? refusal.message : `${refusal.field} ${refusal.message}`)
  : refusal.kind === 'not-visible' ? 'unknown project' : refusal.kind)

/** An outcome's value, or its refusal as this API's TypeError. */
function valueOr<T> (outcome: Outcome<T>): T {
  if (!outcome.ok) throw typeError(outcome.refusal)
  return outcome.value
}

/** coverage()'s arguments as ?namespace= takes them; anything else is refused, never read as the default namespace. */
function coverageNamespaces (args: unknown[]): string | undefined {
  if (args.length > 1) throw new TypeError(`coverage takes one argument, { namespace } (got ${args.length})`)
  const [options] = args
  if (options === undefined) return undefined
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`coverage takes { namespace }, e.g. coverage({ namespace: ${JSON.stringify(typeof options === 'string' ? options : 'suite-a')} }) (got ${JSON.stringify(options) ?? String(options)})`)
  }
  const unknown = Object.keys(options).find(name => name !== 'namespace')
  if (unknown !== undefined) throw new TypeError(`coverage: unknown option ${JSON.stringify(unknown)} (known: namespace)`)
  const { namespace } = options as CoverageOptions
  if (namespace === undefined || typeof namespace === 'string') return namespace
  if (Array.isArray(namespace) && namespace.every(name => typeof name === 'string')) return namespace.join(',')
  throw new TypeError(`namespace must be a namespace name, a list of them, or * (got ${JSON.stringify(namespace)})`)
}

/** The HTTPS options as their settings; a wrong type is a TypeError naming the option. */
function httpsSettings (options: MockServerOptions): Record<string, string | undefined> {
  const { https, tlsCert, tlsKey, httpsPort } = options
  if (https !== undefined && typeof https !== 'boolean' && !(Array.isArray(https) && https.length > 0 && https.every(host => typeof host === 'string'))) {
    throw new TypeError(`https must be true or a list of host names such as ['localhost', '127.0.0.1'] (got ${JSON.stringify(https)})`)
  }
  if (httpsPort !== undefined && !Number.isInteger(httpsPort)) throw new TypeError(`httpsPort must be a port number from 0 to 65535 (got ${JSON.stringify(httpsPort)})`)
  return {
    HTTPS: https === true ? 'localhost,127.0.0.1,::1' : Array.isArray(https) ? https.join(',') : undefined,
    TLS_CERT: tlsCert,
    TLS_KEY: tlsKey,
    HTTPS_PORT: httpsPort === undefined ? undefined : String(httpsPort)
  }
}

/** The whole server in the caller's process, listening on a free port with an in-memory database. */
export async function startMockServer (options: MockServerOptions = {}): Promise<MockServer> {
  checkOptionNames(options)
  const env: Record<string, string | undefined> = {
    DATABASE_PATH: options.databasePath ?? ':memory:',
    JWT_SECRET: options.jwtSecret ?? randomBytes(32).toString('base64url'),
    JWT_ISSUER: options.jwtIssuer,
    JWT_AUDIENCE: options.jwtAudience,
    CLOCK: options.clock,
    ADMIN_TOKEN: options.adminToken,
    LOG_LEVEL: options.logLevel ?? 'silent',
    FAULT_SEED: options.faultSeed,
    NAMESPACE_LIMIT: options.namespaceLimit === undefined ? undefined : String(options.namespaceLimit),
    PROVIDER_STATES: options.providerStates,
    ...httpsSettings(options)
  }
  const config = loadConfig(env)
  const tls = await loadTls(config)
  const twoPorts = tls !== undefined && options.httpsPort !== undefined
  // An object is checked like a file's contents: the loader trusts its shape (a bad key value would be stored as a secret).
  const fixture = typeof options.fixture === 'string' ? readFixtureFile(options.fixture) : options.fixture === undefined ? undefined : checkFixture(options.fixture)
  const proxy = options.proxy === undefined ? undefined : await proxySettings(options.proxy)
  const app = await buildApp({ config, fixture, fixtureSource: typeof options.fixture === 'string' ? options.fixture : undefined, demo: fixture === undefined, record: true, https: twoPorts ? undefined : tls, proxy })
  if (tls !== undefined) app.server.once('close', tls.dispose)
  const host = options.host ?? '127.0.0.1'
  let httpsPort: number | undefined
  try {
    await app.listen({ port: options.port ?? 0, host })
    if (twoPorts) httpsPort = (await listenTls(app, tls, options.httpsPort!, host)).port
  } catch (error) {
    await app.close()
    throw error
  }
  const { url, httpsUrl } = listenerUrls(app, host, tls === undefined ? 'none' : twoPorts ? 'beside' : 'alone', httpsPort)
  // A proxy whose target is its own address would forward each request to itself, without end.
  const self = new URL(url)
  if (proxy !== undefined && Number(proxy.target.port || (proxy.target.protocol === 'https:' ? 443 : 80)) === Number(self.port) && ['localhost', '127.0.0.1', '[::1]', host, self.hostname].includes(proxy.target.hostname)) {
    await app.close()
    throw new TypeError(`the proxy target ${proxy.target.origin} is the proxy itself`)
  }
  // Every method below is a thin adapter over the control plane (src/operations/control-plane.ts), acting as the default namespace.
  const plane = app.controlPlane
  const named = (name: string): void => {
    const problem = plane.namespaceProblem(name)
    if (problem !== undefined) throw new TypeError(`namespace ${problem}`)
  }
  const worldOf = (name: string): World => {
    named(name)
    try {
      return plane.openNamespace(name)
    } catch (error) {
      if (!(error instanceof NamespaceLimitError)) throw error
      const message = `namespace ${JSON.stringify(name)}: ${error.inProcess}`
      throw error.rule === 'namespace-name' ? new TypeError(message) : new RangeError(message)
    }
  }
  /** A namespace's world for a call in-process, refused once the namespace was dropped. */
  const live = (name: string, world: World): World => {
    if (world.closing) throw new TypeError(`namespace ${JSON.stringify(name)} was dropped: mock.namespace(${JSON.stringify(name)}) opens it again from the seed`)
    return world
  }
  const token: MockServer['token'] = (userId, tokenOptions = {}) =>
    valueOr(plane.token({ user: userId, alg: tokenOptions.alg, expiresIn: tokenOptions.expiresIn })).token
  const keyMaker = (world: World): MockServer['createKey'] => (projectId, label, roles) => {
    const created = plane.createKey(world, { projectId, label, roles })
    if (!created.ok) throw created.refusal.kind === 'not-visible' ? new TypeError(`unknown project ${JSON.stringify(projectId)}`) : typeError(created.refusal)
    return created.value
  }
  // Never opens a namespace, as requests({ namespace }) does not: a misspelt name would hold rules no request meets.
  const faultsOf = (namespace: string | undefined): World => {
    if (options.adminToken === undefined) throw new TypeError('faults exist only with the control plane: start the server with adminToken')
    if (namespace === undefined) return app.world
    named(namespace)
    const world = plane.openedNamespace(namespace)
    if (world === undefined) throw new TypeError(`namespace ${JSON.stringify(namespace)} is not open: open it with mock.namespace(${JSON.stringify(namespace)}) first`)
    return world
  }
  /** The namespace drop, its refusal as this API's TypeError. */
  const drop = async (name: string): Promise<boolean> => {
    const dropped = await plane.dropNamespace(name)
    if (!dropped.ok && dropped.refusal.kind === 'bad-input' && dropped.refusal.rule === DROP_DEFAULT) throw new TypeError('the default namespace cannot be dropped: reset it with mock.reset()')
    return valueOr(dropped)
  }
  return {
    url,
    ...(tls === undefined ? {} : { httpsUrl, certificate: { pem: tls.cert, path: tls.certPath, fingerprint: tls.fingerprint } }),
    app,
    close: async () => { await app.close() },
    reset: async () => { await plane.reset(app.world) },
    token,
    createKey: keyMaker(app.world),
    namespace: (name) => {
      const world = worldOf(name)
      const createKey: MockServer['createKey'] = (...args) => keyMaker(live(name, world))(...args)
      return {
        name,
        headers: { 'x-mock-namespace': name },
        reset: async () => { await plane.reset(live(name, world)) },
        token,
        createKey,
        drop: async () => await drop(name)
      }
    },
    faults: {
      add: (rule, namespace) => {
        // The rule first, then where it goes: a bad rule is named before a namespace that is not open.
        const checked = plane.checkFault(rule)
        if (!checked.ok) throw new TypeError(`fault rule: ${checked.refusal.kind === 'bad-input' ? checked.refusal.message : checked.refusal.kind}`)
        return valueOr(plane.addFault(faultsOf(namespace), checked.value))
      },
      clear: (namespace) => { plane.clearFaults(faultsOf(namespace)) }
    },
    // Copies: the caller may change what it gets without changing the journal.
    requests: (filter = {}) => structuredClone(valueOr(plane.requests(app.world, filter))),
    count: (filter = {}) => valueOr(plane.count(app.world, filter)),
    coverage: (...args: unknown[]) => valueOr(plane.coverage(app.world, coverageNamespaces(args))),
    drift: async () => {
      const report = await plane.drift()
      if (report === undefined) throw new TypeError('drift() reports what a proxy found: start the server with the proxy option, { proxy: { target } }')
      return report
    }
  }
}
