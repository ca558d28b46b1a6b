// The coverage store alone: counts by operation, status and rule, cleared with a new start.
import t from 'tap'
import { createCoverage } from '../../src/stores/coverage.js'

t.test('counts each answer under its operation, status and rule, a rule with spaces or colons included', async t => {
  const coverage = createCoverage('2030-01-01T00:00:00.000Z')
  t.strictSame(coverage.counts(), [])
  coverage.hit('updateApiKey', 200, null)
  coverage.hit('updateApiKey', 200, null)
  coverage.hit('updateApiKey', 400, 'schema:type')
  coverage.hit('updateApiKey', 400, 'a rule with spaces')
  coverage.hit('listApiKeys', 401, 'missing-credentials')
  coverage.hit('updateApiKey', 400, 'schema:type')
  t.strictSame(coverage.counts(), [
    { operation: 'updateApiKey', status: 200, rule: null, count: 2 },
    { operation: 'updateApiKey', status: 400, rule: 'schema:type', count: 2 },
    { operation: 'updateApiKey', status: 400, rule: 'a rule with spaces', count: 1 },
    { operation: 'listApiKeys', status: 401, rule: 'missing-credentials', count: 1 }
  ])
  t.equal(coverage.since(), '2030-01-01T00:00:00.000Z')
})

t.test('clear forgets every count and starts at the given instant', async t => {
  const coverage = createCoverage('2030-01-01T00:00:00.000Z')
  coverage.hit('getApiKey', 404, 'not-visible')
  coverage.clear('2030-01-02T00:00:00.000Z')
  t.strictSame(coverage.counts(), [])
  t.equal(coverage.since(), '2030-01-02T00:00:00.000Z')
  coverage.hit('getApiKey', 404, 'not-visible')
  t.strictSame(coverage.counts(), [{ operation: 'getApiKey', status: 404, rule: 'not-visible', count: 1 }])
})
