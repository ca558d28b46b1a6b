import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, ConfigSchema, corsOrigins, DEVELOPMENT_JWT_SECRET, flagName, loadConfig, SETTINGS, shownDefault, usesDevelopmentSecret } from '../src/settings/config.js'
import { packageRoot } from '../src/paths.js'

t.test('defaults to the contract\'s development server and a file in ./data', async t => {
  const config = loadConfig({})
  t.strictSame(config, { PORT: 3003, HOST: '127.0.0.1', DATABASE_PATH: './data/basic-admin.db', JWT_SECRET: DEVELOPMENT_JWT_SECRET, LOG_LEVEL: 'info', JOURNAL_SIZE: 1000, JOURNAL_BYTES: 8_388_608, JOURNAL_TOTAL_BYTES: 67_108_864, NAMESPACE_LIMIT: 1000, FAULT_SEED: '0' })
  t.ok(usesDevelopmentSecret(config))
})

t.test('reads every setting from the environment, and flags win over it', async t => {
  const env = Object.fromEntries([
    ['PORT', '8080'], ['HOST', '0.0.0.0'], ['DATABASE_PATH', ':memory:'], ['SEED_FILE', 'seed.json'], ['JWT_SECRET', 'x'.repeat(32)],
    ['JWT_ISSUER', 'i'], ['JWT_AUDIENCE', 'a'], ['JWT_PRIVATE_KEY_FILE', 'key.pem'], ['LOG_LEVEL', 'warn'],
    ['ADMIN_TOKEN', 'an-admin-token-of-16+'], ['JOURNAL_SIZE', '50'], ['JOURNAL_BYTES', '65536'], ['JOURNAL_TOTAL_BYTES', '1048576'], ['CLOCK', '2030-01-01T00:00:00.000Z'],
    ['NAMESPACE_LIMIT', '8'], ['FAULT_SEED', 'seed-42'], ['CORS_ORIGIN', 'http://localhost:5173'],
    ['TLS_CERT', 'cert.pem'], ['TLS_KEY', 'key.pem'], ['HTTPS_PORT', '8443'], ['PROVIDER_STATES', 'states.json']
  ])
  // HTTPS is the other way to a certificate than TLS_CERT and TLS_KEY, so it is read on its own.
  t.strictSame([...Object.keys(env), 'HTTPS'].sort(), [...SETTINGS].sort(), 'every setting')
  t.strictSame(loadConfig(env), { ...env, PORT: 8080, JOURNAL_SIZE: 50, JOURNAL_BYTES: 65536, JOURNAL_TOTAL_BYTES: 1048576, NAMESPACE_LIMIT: 8, HTTPS_PORT: 8443 })
  t.equal(loadConfig({ ...env, TLS_CERT: '', TLS_KEY: '' }, { https: 'localhost,127.0.0.1' }).HTTPS, 'localhost,127.0.0.1')
  t.match(loadConfig(env, { port: '0', 'log-level': 'debug', 'jwt-secret': 'y'.repeat(40) }), { PORT: 0, LOG_LEVEL: 'debug', JWT_SECRET: 'y'.repeat(40) })
  t.notOk(usesDevelopmentSecret(loadConfig(env)))
  t.equal(loadConfig({ PORT: '' }).PORT, 3003, 'an empty variable is unset')
  t.equal(loadConfig({ PORT: '8080' }, { port: '' }).PORT, 8080, 'an empty flag is unset')
})

t.test('a bad setting is one clear line', async t => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, 'invalid setting PORT: must be a port number from 0 to 65535, 0 for any free port (got "abc")'],
    [{ PORT: '70000' }, 'invalid setting PORT: must be a port number from 0 to 65535, 0 for any free port (got 70000)'],
    [{ PORT: '-1' }, 'invalid setting PORT: must be a port number from 0 to 65535, 0 for any free port (got "-1")'],
    [{ JWT_SECRET: 'x'.repeat(31) }, 'invalid setting JWT_SECRET: must be at least 32 bytes long (make one with: openssl rand -hex 32)'],
    [{ LOG_LEVEL: 'loud' }, 'invalid setting LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ ADMIN_TOKEN: 'short' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 5 characters)'],
    // The server reads a bearer without its surrounding blanks and refuses one with blanks inside, and clients send
    // other characters each their own way (curl UTF-8, others Latin-1): such a token would turn the control plane on
    // and then refuse every call to it. The value is a secret, so the message says what is wrong, never the value.
    [{ ADMIN_TOKEN: 'an admin token of words' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 23 characters, a space among them)'],
    [{ ADMIN_TOKEN: 'admin-token-from-a-file\n' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 24 characters, a line break among them)'],
    [{ ADMIN_TOKEN: '\tadmin-token-with-a-tab' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 23 characters, a tab among them)'],
    [{ ADMIN_TOKEN: 'my-admin-token-\u00e9123456' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 22 characters, one not ASCII among them)'],
    [{ ADMIN_TOKEN: 'my-admin-token-1234\u0001' }, 'invalid setting ADMIN_TOKEN: must be at least 16 characters long, each a visible ASCII character: no space, tab, line break or other character a client may send otherwise (got 20 characters, a control character among them)'],
    [{ JOURNAL_SIZE: '-5' }, 'invalid setting JOURNAL_SIZE: must be a whole number from 0 to 100000 (got "-5")'],
    [{ JOURNAL_BYTES: '1000' }, 'invalid setting JOURNAL_BYTES: must be a whole number of bytes from 65536 to 1073741824 (got 1000)'],
    [{ JOURNAL_TOTAL_BYTES: '64M' }, 'invalid setting JOURNAL_TOTAL_BYTES: must be a whole number of bytes from 65536 to 4294967296 (got "64M")'],
    [{ CLOCK: 'tomorrow' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "tomorrow")'],
    [{ CLOCK: '2030-01-01T00:00:00' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-01-01T00:00:00")'],
    [{ CLOCK: '2030-02-30T00:00:00Z' }, 'invalid setting CLOCK: must be an ISO 8601 instant with a time zone, e.g. 2030-01-01T00:00:00.000Z (got "2030-02-30T00:00:00Z")']
  ]
  const cors = (got: string): string => `invalid setting CORS_ORIGIN: must be * or a comma-separated list of origins such as http://localhost:5173, each scheme://host[:port] without a path (got ${JSON.stringify(got)})`
  for (const origin of ['localhost:5173', 'http://localhost:5173/', 'http://localhost:5173/app', 'ftp://files.test', 'http://a.test,,http://b.test', '*,http://a.test']) {
    cases.push([{ CORS_ORIGIN: origin }, cors(origin)])
  }
  for (const [env, message] of cases) t.throws(() => loadConfig(env), new ConfigError(message), JSON.stringify(env))
  t.doesNotThrow(() => loadConfig({ JWT_SECRET: '\u00e9'.repeat(16) }), '32 bytes, 16 characters')
})

t.test('CORS_ORIGIN is * or a list of origins, spaces around the commas allowed', async t => {
  t.equal(loadConfig({ CORS_ORIGIN: '*' }).CORS_ORIGIN, '*')
  t.strictSame(corsOrigins(' * '), '*')
  t.strictSame(corsOrigins('http://localhost:5173, https://app.example.test:8443'), ['http://localhost:5173', 'https://app.example.test:8443'])
  t.equal(loadConfig({}).CORS_ORIGIN, undefined, 'off by default')
})

t.test('every setting has a meaning and a default to show, and docs/reference.md lists each one with its flag', async t => {
  const reference = readFileSync(join(packageRoot, 'docs', 'reference.md'), 'utf8')
  for (const setting of SETTINGS) {
    const schema = ConfigSchema.properties[setting] as { description?: string }
    t.ok(schema.description !== undefined && schema.description.length > 10, `${setting} has a description`)
    t.ok(shownDefault(setting) !== 'undefined', `${setting} has a default to show`)
    t.match(reference, `| \`${setting}\` | \`--${flagName(setting)}\` |`, `${setting} is in the settings table`)
  }
})
