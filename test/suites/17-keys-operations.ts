// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../routes/project/key/create.test.js'
import '../routes/project/key/get.test.js'
import '../routes/project/key/list.test.js'
import '../routes/project/key/regenerate.test.js'
import '../routes/project/key/delete.test.js'
import '../routes/project/key/verify.test.js'
import '../routes/project/key/lifecycle.test.js'
