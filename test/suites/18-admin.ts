// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../routes/admin/access.test.js'
import '../routes/admin/coverage.test.js'
import '../routes/admin/fixtures.test.js'
import '../routes/admin/requests.test.js'
import '../routes/admin/reset.test.js'
import '../routes/admin/reset-under-load.test.js'
import '../routes/admin/tokens.test.js'
import '../routes/admin/verification.test.js'
