// What a validating proxy is given (docs/drift.md): where to forward, what CA to trust, how long to wait.
import { isMock } from '../drift/mirror.js'

/** The raw requests the proxy forwards: the mock's own touches of an answer (its media type) leave theirs alone. */
export const proxied = new WeakSet<object>()

export interface ProxySettings {
  /** The service every request but /__admin goes to, and nowhere else. */
  target: URL
  /** A PEM CA certificate to trust for an https target (NODE_EXTRA_CA_CERTS is trusted too). */
  ca?: string | undefined
  /** Bounds connecting, the answer's head, and each pause in its body, in ms. */
  timeoutMs: number
}

/** The proxy option of startMockServer (and what `basic-admin-mock proxy` gives it). */
export interface ProxyOptions {
  /** The real service, e.g. https://api.basic.tech: every request but /__admin goes there, and nowhere else. */
  target: string
  /** A PEM CA certificate (its text) to trust for an https target. */
  ca?: string
  /** Bounds connecting, the answer's head and each pause in its body, in ms; default 10,000. */
  timeout?: number
}

/** The options checked, and the target asked whether it is a basic-admin-mock (refused: a mirror proves nothing). */
export async function proxySettings (options: ProxyOptions): Promise<ProxySettings> {
  if (typeof options !== 'object' || options === null) throw new TypeError('proxy must be { target, ca?, timeout? }')
  const unknown = Object.keys(options).find(name => !['target', 'ca', 'timeout'].includes(name))
  if (unknown !== undefined) throw new TypeError(`proxy: unknown option ${JSON.stringify(unknown)} (known: target, ca, timeout)`)
  let target: URL
  try {
    target = new URL(options.target)
  } catch {
    throw new TypeError(`proxy target must be the service's http(s) address, e.g. https://api.basic.tech (got ${JSON.stringify(options.target)})`)
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new TypeError(`proxy target must be http or https (got ${JSON.stringify(target.protocol)})`)
  if (target.username !== '' || target.password !== '' || target.search !== '' || target.hash !== '') throw new TypeError('proxy target must have no credentials (user:password@), query or fragment')
  const timeoutMs = options.timeout ?? 10_000
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw new TypeError(`proxy timeout must be 1 to 600000 ms (got ${JSON.stringify(options.timeout)})`)
  if (options.ca !== undefined && (typeof options.ca !== 'string' || !options.ca.includes('-----BEGIN CERTIFICATE-----'))) throw new TypeError('proxy ca must be a PEM certificate\'s text (-----BEGIN CERTIFICATE-----)')
  if (await isMock(target, timeoutMs, options.ca)) {
    throw new TypeError(`the proxy target ${target.origin} is a basic-admin-mock server (its /openapi.json is the mock's served contract): checking the mock against itself proves nothing; give the real service's address`)
  }
  return { target, ca: options.ca, timeoutMs }
}
