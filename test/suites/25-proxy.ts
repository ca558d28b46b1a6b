// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../proxy/proxy.test.js'
import '../proxy/proxy-wire.test.js'
import '../proxy/proxy-cli.test.js'
import '../proxy/proxy-recipe.test.js'
import '../proxy/proxy-loop.test.js'
