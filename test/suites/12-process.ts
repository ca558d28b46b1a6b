// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../process/disk-fault.test.js'
import '../process/crash.test.js'
import '../process/shutdown.test.js'
import '../process/stop.test.js'
import '../process/two-process.test.js'
import '../process/run-to-end.test.js'
