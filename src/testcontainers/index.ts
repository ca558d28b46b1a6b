// basic-admin-mock/testcontainers (docs/testcontainers.md). The Node check is imported first, so it runs before
// testcontainers loads: on an older Node, testcontainers 12's undici fails with a TypeError that names neither.
import './node-version.js'
export * from './container.js'
