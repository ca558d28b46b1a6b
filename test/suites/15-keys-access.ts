// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../routes/project/key/revocation.test.js'
import '../routes/project/key/update-auth.test.js'
import '../routes/project/key/refusals.test.js'
import '../routes/project/key/auth-table.test.js'
import '../routes/project/key/auth-memory.test.js'
