import t from 'tap'
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, SETTINGS, usesDevelopmentSecret } from '../src/config.js'

t.test('defaults to the contract\'s development server and a file in ./data', async t => {
  const config = loadConfig({})
  t.strictSame(config, { PORT: 3003, HOST: '127.0.0.1', DATABASE_PATH: './data/basic-admin.db', JWT_SECRET: DEVELOPMENT_JWT_SECRET, LOG_LEVEL: 'info', JOURNAL_SIZE: 1000, NAMESPACE_LIMIT: 1000, FAULT_SEED: '0' })
  t.ok(usesDevelopmentSecret(config))
})

t.test('reads every setting from the environment, and flags win over it', async t => {
  const env = Object.fromEntries([
    ['PORT', '8080'], ['HOST', '0.0.0.0'], ['DATABASE_PATH', ':memory:'], ['SEED_FILE', 'seed.json'], ['JWT_SECRET', 'x'.repeat(32)],
    ['JWT_ISSUER', 'i'], ['JWT_AUDIENCE', 'a'], ['JWT_PRIVATE_KEY_FILE', 'key.pem'], ['LOG_LEVEL', 'warn'],
    ['ADMIN_TOKEN', 'an-admin-token-of-16+'], ['JOURNAL_SIZE', '50'], ['CLOCK', '2030-01-01T00:00:00.000Z'],
    ['NAMESPACE_LIMIT', '8'], ['FAULT_SEED', 'seed-42']
  ])
  t.strictSame(Object.keys(env).sort(), [...SETTINGS].sort(), 'every setting')
  t.strictSame(loadConfig(env), { ...env, PORT: 8080, JOURNAL_SIZE: 50, NAMESPACE_LIMIT: 8 })
  t.match(loadConfig(env, { port: '0', 'log-level': 'debug', 'jwt-secret': 'y'.repeat(40) }), { PORT: 0, LOG_LEVEL: 'debug', JWT_SECRET: 'y'.repeat(40) })
  t.notOk(usesDevelopmentSecret(loadConfig(env)))
  t.equal(loadConfig({ PORT: '' }).PORT, 3003, 'an empty variable is unset')
  t.equal(loadConfig({ PORT: '8080' }, { port: '' }).PORT, 8080, 'an empty flag is unset')
})

t.test('a bad setting is one clear line', async t => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'invalid setting PORT: expected integer (got "abc")'],
    [{ PORT: '70000' }, 'invalid setting PORT: expected integer to be less or equal to 65535 (got 70000)'],
    [{ PORT: '-1' }, 'invalid setting PORT: expected integer (got "-1")'],
    [{ JWT_SECRET: 'x'.repeat(31) }, 'invalid setting JWT_SECRET: must be at least 32 bytes long'],
    [{ LOG_LEVEL: 'loud' }, 'invalid setting LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ ADMIN_TOKEN: 'short' }, 'invalid setting ADMIN_TOKEN: expected string length greater or equal to 16 (got "short")'],
    [{ JOURNAL_SIZE: '-5' }, 'invalid setting JOURNAL_SIZE: expected integer (got "-5")'],
    [{ CLOCK: 'tomorrow' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "tomorrow")'],
    [{ CLOCK: '2030-01-01T00:00:00' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-01-01T00:00:00")'],
    [{ CLOCK: '2030-02-30T00:00:00Z' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-02-30T00:00:00Z")']
  ]
  for (const [env, message] of cases) t.throws(() => loadConfig(env), new ConfigError(message), JSON.stringify(env))
  t.doesNotThrow(() => loadConfig({ JWT_SECRET: '\u00e9'.repeat(16) }), '32 bytes, 16 characters')
})
