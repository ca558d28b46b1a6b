// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../drift/drift.test.js'
import '../drift/drift-cli.test.js'
import '../drift/drift-recipe.test.js'
