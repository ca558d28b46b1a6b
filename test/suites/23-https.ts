// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../https/mock-server-https.test.js'
import '../https/cli-https.test.js'
