// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../routes/project/key/update-body.test.js'
import '../routes/project/key/update-wire.test.js'
import '../routes/project/key/pipelining.test.js'
import '../routes/project/key/update-attacks.test.js'
import '../routes/project/key/no-body.test.js'
