// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../cli-coverage.test.js'
import '../coverage-namespaces.test.js'
import '../cli-coverage-servers.test.js'
import '../coverage-recipe.test.js'
import '../workflows.test.js'
