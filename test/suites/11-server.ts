// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../server.test.js'
import '../startup-errors.test.js'
import '../mock-server.test.js'
import '../mock-server-faults.test.js'
import '../mock-server-verification.test.js'
