// The package's programmatic entry: build the app in-process (tests, embedding).
export { buildApp, type AppOptions } from './app.js'
export { loadConfig, ConfigError, type Config } from './config.js'
export { parseFixture, type Fixture } from './services/fixtures.js'
export { createJwtService } from './services/jwt.js'
