// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../properties/patch-model.test.js'
import '../properties/bodies.test.js'
