import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

// The well-known development secret: the server warns loudly whenever it is in use.
export const DEVELOPMENT_JWT_SECRET = 'basic-admin-mock-development-secret-do-not-use-in-production'

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)))

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATABASE_PATH: Type.String({ minLength: 1, default: './data/basic-admin.db' }),
  SEED_FILE: Type.Optional(Type.String({ minLength: 1 })),
  JWT_SECRET: Type.String({ minLength: 1, default: DEVELOPMENT_JWT_SECRET }),
  JWT_ISSUER: Type.Optional(Type.String({ minLength: 1 })),
  JWT_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  JWT_PRIVATE_KEY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.String({ default: 'info' }),
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  JOURNAL_SIZE: Type.Integer({ minimum: 0, maximum: 100_000, default: 1000 }),
  CLOCK: Type.Optional(Type.String({ minLength: 1 })),
  NAMESPACE_LIMIT: Type.Integer({ minimum: 0, maximum: 100_000, default: 1000 }),
  FAULT_SEED: Type.String({ default: '0' })
})

export type Config = Static<typeof ConfigSchema> & { LOG_LEVEL: Static<typeof LogLevel> }
export const SETTINGS = Object.keys(ConfigSchema.properties) as Array<keyof Config>

export class ConfigError extends Error {}

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
    raw[setting] = (setting === 'PORT' || setting === 'JOURNAL_SIZE' || setting === 'NAMESPACE_LIMIT') && /^\d+$/.test(value) ? Number(value) : value
  }
  const config = Value.Default(ConfigSchema, raw) as Config
  const error = Value.Errors(ConfigSchema, config).First()
  if (error !== undefined) {
    const setting = error.path.slice(1)
    throw new ConfigError(`invalid setting ${setting}: ${error.message.toLowerCase()} (got ${JSON.stringify(raw[setting])})`)
  }
  if (!Value.Check(LogLevel, config.LOG_LEVEL)) {
    throw new ConfigError(`invalid setting LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got ${JSON.stringify(config.LOG_LEVEL)})`)
  }
  if (Buffer.byteLength(config.JWT_SECRET) < 32) {
    throw new ConfigError('invalid setting JWT_SECRET: must be at least 32 bytes long')
  }
  if (config.CLOCK !== undefined && clockStart(config.CLOCK) === undefined) {
    throw new ConfigError(`invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got ${JSON.stringify(config.CLOCK)})`)
  }
  return config
}

/** CLOCK's instant in epoch ms, or undefined when it is not an ISO 8601 instant with a zone. */
export function clockStart (text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(text)
  if (match === null) return undefined
  // Date.parse rolls 30 February over into March; a calendar day must exist as written.
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

export const DEVELOPMENT_SECRET_WARNING = [
  '!!! WARNING: JWT_SECRET is not set, so the public development secret signs and verifies user tokens.',
  '!!! Anyone can mint a token this server accepts. Set JWT_SECRET (at least 32 bytes) outside local development.'
].join('\n')

export function usesDevelopmentSecret (config: Config): boolean {
  return config.JWT_SECRET === DEVELOPMENT_JWT_SECRET
}
