// A suite: one process for these test files, in this order (test/suites.test.ts, docs/development.md).
import '../routes/admin/journal-bounds.test.js'
import '../routes/admin/requests-paging.test.js'
import '../namespaces-strangers.test.js'
import '../namespaces-drop.test.js'
import '../mock-server-namespaces.test.js'
