import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { parseInstant } from '../domain/clock.js'
import { httpsHosts } from '../domain/tls-hosts.js'

// The well-known development secret: the server warns loudly whenever it is in use.
export const DEVELOPMENT_JWT_SECRET = 'basic-admin-mock-development-secret-do-not-use-in-production'

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)))

// Each setting's `description` is its meaning for --help and the docs; `must` words a bad value; `shown` is a
// default that is not a plain value.
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003, description: 'TCP port to listen on; 0 picks a free one (the banner shows it)', must: 'must be a port number from 0 to 65535, 0 for any free port' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'address to listen on (0.0.0.0 for every interface, as in a container)' }),
  DATABASE_PATH: Type.String({ minLength: 1, default: './data/basic-admin.db', description: 'SQLite file, created with its folder; :memory: for a throw-away database' }),
  SEED_FILE: Type.Optional(Type.String({ minLength: 1, shown: 'none: the demo data', description: 'fixture file (JSON) loaded at every start instead of the demo data' })),
  JWT_SECRET: Type.String({ minLength: 1, default: DEVELOPMENT_JWT_SECRET, shown: 'a public development secret', description: 'HS256 secret of user tokens, at least 32 bytes' }),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1, shown: 'none', description: 'when set, user tokens must carry this iss' })),
  JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1, shown: 'none', description: 'when set, user tokens must carry this aud' })),
  JWT_PRIVATE_KEY_FILE: Type.Optional(Type.String({ minLength: 1, shown: 'a key made and kept in the database', description: 'PEM file with the RSA private key (2048 bits or more) that signs RS256 user tokens' })),
  LOG_LEVEL: Type.String({ default: 'info', description: 'fatal, error, warn, info, debug, trace or silent' }),
  // Visible ASCII only: the server reads a bearer without the blanks around it and refuses one with any inside, and
  // clients send other characters each their own way (curl UTF-8, others Latin-1), so such a token would turn the
  // control plane on and refuse every call to it.
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16, pattern: '^[\\x21-\\x7E]+$', secret: true, shown: 'none: no control plane', description: 'bearer token (16 visible ASCII characters or more) that turns on the control plane under /__admin', must: 'must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise' })),
  JOURNAL_SIZE: Type.Integer({ minimum: 0, maximum: 100_000, default: 1000, description: 'how many recent requests the control plane\'s journal keeps', must: 'must be a whole number from 0 to 100000' }),
  JOURNAL_BYTES: Type.Integer({ minimum: 65_536, maximum: 1_073_741_824, default: 8_388_608, description: 'how many bytes of requests (path and body as kept) each namespace\'s journal keeps, the oldest going first', must: 'must be a whole number of bytes from 65536 to 1073741824' }),
  JOURNAL_TOTAL_BYTES: Type.Integer({ minimum: 65_536, maximum: 4_294_967_296, default: 67_108_864, description: 'how many bytes the journals of every namespace keep together; past it, the fullest journal gives up its oldest requests', must: 'must be a whole number of bytes from 65536 to 4294967296' }),
  CLOCK: Type.Optional(Type.String({ minLength: 1, shown: 'real time', description: 'an ISO 8601 instant: the clock starts there and moves 1 ms per write' })),
  NAMESPACE_LIMIT: Type.Integer({ minimum: 0, maximum: 100_000, default: 1000, description: 'how many X-Mock-Namespace worlds may exist besides the default one', must: 'must be a whole number from 0 to 100000' }),
  FAULT_SEED: Type.String({ default: '0', description: 'seed of the generator that decides probabilistic faults, so runs repeat' }),
  CORS_ORIGIN: Type.Optional(Type.String({ minLength: 1, shown: 'none: no CORS headers', description: 'origins whose pages may call the server from a browser: * or a comma-separated list such as http://localhost:5173' })),
  PROVIDER_STATES: Type.Optional(Type.String({ minLength: 1, shown: 'none', description: 'JSON file of Pact provider states, each a fixture: POST /__admin/provider-states (with ADMIN_TOKEN) loads one' })),
  HTTPS: Type.Optional(Type.String({ minLength: 1, shown: 'none', description: 'host names (comma-separated, e.g. localhost,127.0.0.1) of a self-signed certificate made at start: the server speaks HTTPS, the banner shows the certificate\'s file and fingerprint' })),
  TLS_CERT: Type.Optional(Type.String({ minLength: 1, shown: 'none', description: 'PEM certificate file (with TLS_KEY): the server speaks HTTPS with it' })),
  TLS_KEY: Type.Optional(Type.String({ minLength: 1, shown: 'none', description: 'PEM private key file of TLS_CERT' })),
  HTTPS_PORT: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, shown: 'none: HTTPS on PORT', description: 'with HTTPS or TLS_CERT: HTTPS listens on this port and plain HTTP stays on PORT; 0 picks a free one', must: 'must be a port number from 0 to 65535, 0 for any free port' }))
})

export type Config = Static<typeof ConfigSchema> & { LOG_LEVEL: Static<typeof LogLevel> }
export const SETTINGS = Object.keys(ConfigSchema.properties) as Array<keyof Config>

export class ConfigError extends Error {}

const NUMERIC = new Set<string>(['PORT', 'HTTPS_PORT', 'JOURNAL_SIZE', 'JOURNAL_BYTES', 'JOURNAL_TOTAL_BYTES', 'NAMESPACE_LIMIT'])

/** `DATABASE_PATH` -> `--database-path` */
export function flagName (setting: string): string {
  return setting.toLowerCase().replace(/_/g, '-')
}

/**
 * Settings from the environment, overridden by CLI flags. Throws a ConfigError
 * whose message is the one line to print when a setting is unusable.
 */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, flags: Record<string, unknown> = {}): Config {
  const raw: Record<string, unknown> = {}
  for (const setting of SETTINGS) {
    const flag = flags[flagName(setting)]
    const value = typeof flag === 'string' && flag !== '' ? flag : env[setting]
    if (value === undefined || value === '') continue
    raw[setting] = NUMERIC.has(setting) && /^\d+$/.test(value) ? Number(value) : value
  }
  const config = Value.Default(ConfigSchema, raw) as Config
  const error = Value.Errors(ConfigSchema, config).First()
  if (error !== undefined) {
    const setting = error.path.slice(1) as keyof Config
    const { must, secret } = ConfigSchema.properties[setting] as { must?: string, secret?: boolean }
    const got = secret === true ? describeSecret(String(raw[setting])) : JSON.stringify(raw[setting])
    throw new ConfigError(`invalid setting ${setting}: ${must ?? error.message.toLowerCase()} (got ${got})`)
  }
  if (!Value.Check(LogLevel, config.LOG_LEVEL)) {
    throw new ConfigError(`invalid setting LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got ${JSON.stringify(config.LOG_LEVEL)})`)
  }
  if (Buffer.byteLength(config.JWT_SECRET) < 32) {
    throw new ConfigError('invalid setting JWT_SECRET: must be at least 32 bytes long (make one with: openssl rand -hex 32)')
  }
  if (config.CLOCK !== undefined && clockStart(config.CLOCK) === undefined) {
    throw new ConfigError(`invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got ${JSON.stringify(config.CLOCK)})`)
  }
  if (config.CORS_ORIGIN !== undefined && corsOrigins(config.CORS_ORIGIN) === undefined) {
    throw new ConfigError(`invalid setting CORS_ORIGIN: must be * or a comma-separated list of origins such as http://localhost:5173, each scheme://host[:port] without a path (got ${JSON.stringify(config.CORS_ORIGIN)})`)
  }
  if (config.PROVIDER_STATES !== undefined && config.ADMIN_TOKEN === undefined) {
    throw new ConfigError('invalid setting PROVIDER_STATES: its route is on the control plane: set ADMIN_TOKEN too')
  }
  httpsProblem(config)
  return config
}

/** HTTPS's settings together: one way to get the certificate, and a second port only for a second listener. */
function httpsProblem (config: Config): void {
  if (config.HTTPS !== undefined && httpsHosts(config.HTTPS) === undefined) {
    throw new ConfigError(`invalid setting HTTPS: must be the certificate's host names, comma-separated DNS names or IP addresses such as localhost,127.0.0.1 (got ${JSON.stringify(config.HTTPS)})`)
  }
  if ((config.TLS_CERT === undefined) !== (config.TLS_KEY === undefined)) {
    throw new ConfigError(`invalid setting ${config.TLS_CERT === undefined ? 'TLS_KEY' : 'TLS_CERT'}: needs ${config.TLS_CERT === undefined ? 'TLS_CERT' : 'TLS_KEY'} too (the certificate and its private key), or set HTTPS to host names for a generated certificate`)
  }
  if (config.HTTPS !== undefined && config.TLS_CERT !== undefined) {
    throw new ConfigError('invalid setting HTTPS: TLS_CERT and TLS_KEY already give the certificate; set either HTTPS (a generated one) or TLS_CERT and TLS_KEY')
  }
  if (config.HTTPS_PORT !== undefined && config.HTTPS === undefined && config.TLS_CERT === undefined) {
    throw new ConfigError('invalid setting HTTPS_PORT: HTTPS needs a certificate: set HTTPS to host names (a generated one) or TLS_CERT and TLS_KEY')
  }
  if (config.HTTPS_PORT !== undefined && config.HTTPS_PORT !== 0 && config.HTTPS_PORT === config.PORT) {
    throw new ConfigError(`invalid setting HTTPS_PORT: ${config.HTTPS_PORT} is PORT too; give HTTPS another port, or unset HTTPS_PORT for HTTPS alone on PORT`)
  }
}

/** What is wrong with a secret's value, without the value: it would end up in a terminal, docker logs or a CI log. */
function describeSecret (value: string): string {
  const characters = [...value]
  const odd = characters.find(c => !/^[\x21-\x7E]$/.test(c))
  return `${characters.length} characters${odd === undefined ? '' : `, ${oddKind(odd)} among them`}`
}

function oddKind (character: string): string {
  if (character === ' ') return 'a space'
  if (character === '\t') return 'a tab'
  if (character === '\n' || character === '\r') return 'a line break'
  return character.charCodeAt(0) < 0x80 ? 'a control character' : 'one not ASCII'
}

/** CORS_ORIGIN as '*' or its list of origins; undefined when an item is not an origin as browsers send it. */
export function corsOrigins (text: string): '*' | string[] | undefined {
  if (text.trim() === '*') return '*'
  const origins = text.split(',').map(item => item.trim())
  return origins.every(isOrigin) ? origins : undefined
}

function isOrigin (text: string): boolean {
  try {
    const url = new URL(text)
    // An Origin header is exactly scheme://host[:port]: URL.origin drops a path, a slash or a default port.
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text
  } catch {
    return false
  }
}

/** How --help and the docs show a setting's default. */
export function shownDefault (setting: keyof Config): string {
  const schema = ConfigSchema.properties[setting] as { default?: unknown, shown?: string }
  return schema.shown ?? String(schema.default)
}

/** CLOCK's instant in epoch ms, or undefined when it is not an ISO 8601 instant with a zone. */
export function clockStart (text: string): number | undefined {
  return parseInstant(text)
}

export const DEVELOPMENT_SECRET_WARNING = [
  '!!! WARNING: JWT_SECRET is not set, so the public development secret signs and verifies user tokens.',
  '!!! Anyone can mint a token this server accepts. Set JWT_SECRET (at least 32 bytes) outside local development.'
].join('\n')

export function usesDevelopmentSecret (config: Config): boolean {
  return config.JWT_SECRET === DEVELOPMENT_JWT_SECRET
}
