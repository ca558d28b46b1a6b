// The package's programmatic entry: the mock server in-process (a consumer's tests), or the app itself (embedding).
export { startMockServer, type CoverageOptions, type CoverageReport, type CreatedKey, type FaultRule, type JournalEntry, type MockFaults, type MockNamespace, type MockServer, type MockServerOptions, type RequestFilter, type StoredFault } from './mock-server.js'
export { buildApp, type AppOptions } from './app.js'
export { loadConfig, ConfigError, type Config } from './settings/config.js'
export { parseFixture, type Fixture } from './domain/fixture.js'
export { createJwtService } from './domain/jwt.js'
export { drift, DriftError, type DriftOptions, type DriftReport } from './drift/run.js'
export { driftJson, driftMarkdown } from './drift/report.js'
export type { Finding } from './drift/compare.js'
