// The container of basic-admin-mock/testcontainers (docs/testcontainers.md): the image in Testcontainers, its control plane
// over HTTP. It runs in the user's test process: it imports `testcontainers` (an optional peer) and Node, nothing of the server.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer, type StopOptions, type StoppedTestContainer } from 'testcontainers'
import type { Fixture } from '../domain/fixture.js'
import type { FaultRule, StoredFault } from '../domain/faults.js'
import type { CoverageReport } from '../operations/coverage.js'
import type { JournalEntry, RequestFilter } from '../operations/requests.js'

export type { CoverageReport, FaultRule, Fixture, JournalEntry, RequestFilter, StoredFault }

/** The port the image listens on (its PORT). */
export const PORT = 3003
const FIXTURE_PATH = '/tmp/basic-admin-mock-fixture.json'
// docker stop's own grace period: the server's graceful shutdown takes well under a second. Testcontainers' default is 0, a SIGKILL (exit 137).
const STOP_GRACE_MS = 10_000
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** An answer of the control plane that is not a success: its status and the server's own message. */
export class BasicAdminMockError extends Error {
  constructor (readonly status: number, readonly body: string, what: string) {
    let message = body
    try { message = (JSON.parse(body) as { message?: string }).message ?? body } catch {}
    super(`${what} answered ${status}: ${message}`)
  }
}

/** A namespace's isolated world (X-Mock-Namespace), opened by its first request. */
export interface ContainerNamespace {
  name: string
  headers: { 'x-mock-namespace': string }
  reset: () => Promise<void>
  /** Adds this fixture's missing rows to the namespace (POST /__admin/fixtures); resolves how many it created. */
  loadFixture: (fixture: Fixture | string) => Promise<number>
  /** Closes the namespace and deletes its data; false when it had none. */
  drop: () => Promise<boolean>
}

export interface NamespaceRow { name: string, [count: string]: unknown }

/** The project's image (a name the user gives, e.g. `basic-admin-mock` built from a clone), waiting on /ready. */
export class BasicAdminMockContainer extends GenericContainer {
  private adminToken = randomBytes(24).toString('base64url')

  constructor (image: string) {
    if (typeof image !== 'string' || image === '') throw new TypeError('BasicAdminMockContainer takes the image name, e.g. new BasicAdminMockContainer(\'basic-admin-mock\') (docs/testcontainers.md builds it)')
    super(image)
    // A random JWT secret, as startMockServer's: the image's public default makes the server warn at every start.
    this.withExposedPorts(PORT)
      .withEnvironment({ DATABASE_PATH: ':memory:', JWT_SECRET: randomBytes(32).toString('base64url'), ADMIN_TOKEN: this.adminToken })
      .withWaitStrategy(Wait.forHttp('/ready', PORT).forStatusCode(200))
  }

  /** The control plane's bearer token (ADMIN_TOKEN, at least 16 visible ASCII characters); default a random one. */
  withAdminToken (token: string): this {
    if (typeof token !== 'string' || !/^[\x21-\x7e]{16,}$/.test(token)) throw new TypeError('withAdminToken takes at least 16 visible ASCII characters (no space)')
    this.adminToken = token
    return this.withEnvironment({ ADMIN_TOKEN: token })
  }

  /** The seed (SEED_FILE): a fixture object, or the path of a fixture file (JSON) on this machine. */
  withFixture (fixture: Fixture | string): this {
    if (typeof fixture !== 'string' && (typeof fixture !== 'object' || fixture === null || Array.isArray(fixture))) throw new TypeError('withFixture takes a fixture object or the path of a fixture file')
    // Read now: a missing file is this call's error, not a container that exits at start.
    const content = typeof fixture === 'string' ? readFileSync(fixture) : JSON.stringify(fixture)
    return this.withCopyContentToContainer([{ content, target: FIXTURE_PATH, mode: 0o644 }]).withEnvironment({ SEED_FILE: FIXTURE_PATH })
  }

  /** CLOCK: an ISO 8601 instant with a zone; the clock starts there and moves 1 ms per write. */
  withClock (instant: string): this {
    return this.withEnvironment({ CLOCK: instant })
  }

  /** CORS_ORIGIN: `*` or origins such as http://localhost:5173. */
  withCorsOrigin (origins: string | readonly string[]): this {
    return this.withEnvironment({ CORS_ORIGIN: typeof origins === 'string' ? origins : origins.join(',') })
  }

  /** LOG_LEVEL (default info: the container's log shows each request). */
  withLogLevel (level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'): this {
    if (!LOG_LEVELS.includes(level)) throw new TypeError(`withLogLevel takes one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(level)})`)
    return this.withEnvironment({ LOG_LEVEL: level })
  }

  override async start (): Promise<StartedBasicAdminMockContainer> {
    return new StartedBasicAdminMockContainer(await super.start(), this.adminToken)
  }
}

/** A started container: its URL, its admin token, and startMockServer's control-plane functions, over HTTP. */
export class StartedBasicAdminMockContainer extends AbstractStartedContainer {
  readonly faults: {
    /** Adds a fault rule to the default namespace, or to `namespace`; resolves it with its id. */
    add: (rule: FaultRule, namespace?: string) => Promise<StoredFault>
    /** The rules of the default namespace, or of `namespace`. */
    list: (namespace?: string) => Promise<StoredFault[]>
    clear: (namespace?: string) => Promise<void>
  }

  constructor (started: StartedTestContainer, private readonly adminToken: string) {
    super(started)
    this.faults = {
      add: async (rule, namespace) => await this.admin<StoredFault>('POST', '/faults', { body: rule, namespace }),
      list: async (namespace) => (await this.admin<{ faults: StoredFault[] }>('GET', '/faults', { namespace })).faults,
      clear: async (namespace) => { await this.admin('DELETE', '/faults', { namespace }) }
    }
  }

  /** e.g. http://localhost:32771, no trailing slash. */
  getUrl (): string {
    return `http://${this.getHost()}:${this.getMappedPort(PORT)}`
  }

  /** The bearer token of /__admin (ADMIN_TOKEN). */
  getAdminToken (): string {
    return this.adminToken
  }

  /** Back to the seed (and the clock to its start). */
  async reset (): Promise<void> {
    await this.admin('POST', '/reset')
  }

  /** Adds a fixture's missing rows (an object, or a JSON file's path; POST /__admin/fixtures); resolves how many it created. */
  async loadFixture (fixture: Fixture | string, namespace?: string): Promise<number> {
    const body = typeof fixture === 'string' ? readFileSync(fixture, 'utf8') : fixture
    return (await this.admin<{ created: number }>('POST', '/fixtures', { body, namespace, raw: typeof fixture === 'string' })).created
  }

  /** A user JWT this server accepts (POST /__admin/tokens). */
  async token (userId: string, options: { alg?: 'HS256' | 'RS256', expiresIn?: string } = {}): Promise<string> {
    const body = { user: userId, ...(options.alg === undefined ? {} : { alg: options.alg }), ...(options.expiresIn === undefined ? {} : { expires_in: options.expiresIn }) }
    return (await this.admin<{ token: string }>('POST', '/tokens', { body })).token
  }

  /** Every answered request that matches, oldest first, read page by page (GET /__admin/requests). */
  async requests (filter: RequestFilter = {}): Promise<JournalEntry[]> {
    const entries: JournalEntry[] = []
    let after: string | undefined
    do {
      const page = await this.admin<{ requests: JournalEntry[], next?: string }>('GET', '/requests', { query: { ...filter, ...(after === undefined ? {} : { after }) } })
      entries.push(...page.requests)
      after = page.next
    } while (after !== undefined)
    return entries
  }

  /** How many answered requests match (GET /__admin/requests/count). */
  async count (filter: RequestFilter = {}): Promise<number> {
    return (await this.admin<{ count: number }>('GET', '/requests/count', { query: filter })).count
  }

  /** What the requests exercised of the contract: the default namespace's, or `namespace`'s ('a,b' or '*' sums several). */
  async coverage (options: { namespace?: string | readonly string[] } = {}): Promise<CoverageReport> {
    const { namespace } = options
    return await this.admin<CoverageReport>('GET', '/coverage', { query: namespace === undefined ? {} : { namespace: typeof namespace === 'string' ? namespace : namespace.join(',') } })
  }

  /** The open namespaces with their counts (GET /__admin/namespaces). */
  async namespaces (): Promise<NamespaceRow[]> {
    return (await this.admin<{ namespaces: NamespaceRow[] }>('GET', '/namespaces')).namespaces
  }

  /** The namespace of that name; its first request opens it from the seed. */
  namespace (name: string): ContainerNamespace {
    return {
      name,
      headers: { 'x-mock-namespace': name },
      reset: async () => { await this.admin('POST', '/reset', { namespace: name }) },
      loadFixture: async (fixture) => await this.loadFixture(fixture, name),
      drop: async () => {
        const res = await this.send('DELETE', `/namespaces/${encodeURIComponent(name)}`, {})
        if (res.status === 404 && /^No namespace/.test(await res.clone().text().then(text => JSON.parse(text).message as string, () => ''))) return false
        await this.checked(res, `DELETE /__admin/namespaces/${name}`)
        return true
      }
    }
  }

  /**
   * Stops the server with SIGTERM (its graceful shutdown, exit 0; a SIGKILL after `timeout` s, default 10) and removes
   * the container and its volumes, as Ryuk would when the process dies.
   */
  override async stop (options: Partial<StopOptions> = {}): Promise<StoppedTestContainer> {
    return await super.stop({ timeout: STOP_GRACE_MS, ...options })
  }

  private async send (method: string, path: string, { body, namespace, query = {}, raw = false }: { body?: unknown, namespace?: string | undefined, query?: object, raw?: boolean }): Promise<Response> {
    const search = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== undefined).map(([name, value]) => [name, String(value)]))
    const url = `${this.getUrl()}/__admin${path}${search.size > 0 ? `?${search}` : ''}`
    const headers: Record<string, string> = { authorization: `Bearer ${this.adminToken}` }
    if (namespace !== undefined) headers['x-mock-namespace'] = namespace
    if (body !== undefined) headers['content-type'] = 'application/json'
    return await fetch(url, { method, headers, body: body === undefined ? undefined : raw ? String(body) : JSON.stringify(body) })
  }

  private async checked (res: Response, what: string): Promise<string> {
    const text = await res.text()
    if (!res.ok) throw new BasicAdminMockError(res.status, text, what)
    return text
  }

  private async admin<T = unknown> (method: string, path: string, options: Parameters<StartedBasicAdminMockContainer['send']>[2] = {}): Promise<T> {
    const res = await this.send(method, path, options)
    const text = await this.checked(res, `${method} /__admin${path}`)
    return JSON.parse(text) as T
  }
}
