// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../routes/status.test.js'
import '../routes/docs.test.js'
import '../routes/health.test.js'
import '../routes/auth/jwks.test.js'
import '../routes/methods.test.js'
import '../http/json-type.test.js'
