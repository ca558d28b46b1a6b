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
  LOG_LEVEL: Type.String({ default: 'info' })
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
    raw[setting] = setting === 'PORT' && /^\d+$/.test(value) ? Number(value) : value
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
  return config
}

export function usesDevelopmentSecret (config: Config): boolean {
  return config.JWT_SECRET === DEVELOPMENT_JWT_SECRET
}
