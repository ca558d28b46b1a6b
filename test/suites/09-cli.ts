// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../cli.test.js'
import '../cli-settings.test.js'
import '../cli-output.test.js'
import '../bounded-inputs.test.js'
