// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../clock.test.js'
import '../faults.test.js'
import '../plugins/prefer.test.js'
import '../namespaces.test.js'
import '../logging.test.js'
