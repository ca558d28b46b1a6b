// The coverage report's formats and the CLI's requirement check, on reports made here: every line asserted, and
// the JUnit XML read back by an independent JUnit parser (junit2json, over xml2js).
import t from 'tap'
import { parse } from 'junit2json'
import { formatCoverage, RequirementError, unmet } from '../src/cli/coverage-report.js'
import type { CoverageReport } from '../src/operations/coverage.js'

// Two operations, 6 cases, 3 exercised; a 500 outside them.
const REPORT: CoverageReport = {
  namespace: 'default',
  since: '2030-01-01T00:00:00.000Z',
  total: 6,
  covered: 3,
  percent: 50,
  operations: [
    { operation: 'getJsonWebKeySet', method: 'GET', path: '/auth/.well-known/jwks.json', statuses: [{ status: 200, count: 4, rules: [] }] },
    {
      operation: 'updateApiKey',
      method: 'PATCH',
      path: '/project/{id}/key/{key_id}',
      statuses: [
        { status: 200, count: 0, rules: [] },
        { status: 400, count: 2, rules: [{ rule: 'schema:type', count: 2 }, { rule: 'label', count: 0 }] },
        { status: 401, count: 1, rules: [{ rule: 'missing-credentials', count: 1 }, { rule: 'unknown-credential', count: 0 }] }
      ]
    }
  ],
  missing: ['updateApiKey:200', 'updateApiKey:400:label', 'updateApiKey:401:unknown-credential'],
  other: [{ operation: 'updateApiKey', status: 500, rule: null, count: 1 }]
}

t.test('text: a headline, then each operation with its cases, counts and the never exercised marked', async t => {
  t.equal(formatCoverage(REPORT, 'text'), [
    'Contract coverage: 3 of 6 cases (50%), namespace default, since 2030-01-01T00:00:00.000Z',
    '',
    'getJsonWebKeySet  GET /auth/.well-known/jwks.json',
    '  200                                     4',
    '',
    'updateApiKey  PATCH /project/{id}/key/{key_id}',
    '  200                                     0  never',
    '  400 schema:type                         2',
    '  400 label                               0  never',
    '  401 missing-credentials                 1',
    '  401 unknown-credential                  0  never',
    '',
    'Answers outside the contract\'s cases:',
    '  updateApiKey 500: 1',
    ''
  ].join('\n'))
})

t.test('markdown: a heading and one table row per case, for $GITHUB_STEP_SUMMARY', async t => {
  t.equal(formatCoverage(REPORT, 'markdown'), [
    '### Contract coverage: 3 of 6 cases (50%)',
    '',
    'Namespace `default`, counted since 2030-01-01T00:00:00.000Z. 3 never exercised (❌).',
    '',
    '| Operation | Status | Rule | Answers |',
    '| --- | --- | --- | ---: |',
    '| `getJsonWebKeySet` GET `/auth/.well-known/jwks.json` | 200 |  | ✅ 4 |',
    '| `updateApiKey` PATCH `/project/{id}/key/{key_id}` | 200 |  | ❌ 0 |',
    '|  | 400 | `schema:type` | ✅ 2 |',
    '|  | 400 | `label` | ❌ 0 |',
    '|  | 401 | `missing-credentials` | ✅ 1 |',
    '|  | 401 | `unknown-credential` | ❌ 0 |',
    '',
    'Answers outside the contract\'s cases: `updateApiKey 500: 1`.',
    ''
  ].join('\n'))
  const complete = { ...REPORT, covered: 6, percent: 100, missing: [], other: [] }
  t.match(formatCoverage(complete, 'markdown'), /^### Contract coverage: 6 of 6 cases \(100%\)\n\nNamespace `default`, counted since 2030-01-01T00:00:00.000Z. Every case was exercised.\n/)
})

t.test('json: the report as the server answered it', async t => {
  t.strictSame(JSON.parse(formatCoverage(REPORT, 'json')), REPORT)
})

t.test('junit: a suite per operation and a test case per case, named by its --require id, failed when never exercised, as a JUnit parser reads it', async t => {
  const xml = formatCoverage(REPORT, 'junit')
  t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /)
  const parsed = await parse(xml) as { name: string, tests: number, failures: number, testsuite: Array<Record<string, any>> }
  t.equal(parsed.name, 'basic-admin-mock contract coverage (namespace default)')
  t.equal(parsed.tests, 6)
  t.equal(parsed.failures, 3)
  t.strictSame(parsed.testsuite.map(s => [s.name, s.tests, s.failures]), [
    ['getJsonWebKeySet GET /auth/.well-known/jwks.json', 1, 0],
    ['updateApiKey PATCH /project/{id}/key/{key_id}', 5, 3]
  ])
  const cases = parsed.testsuite.flatMap(s => s.testcase as Array<Record<string, any>>)
  t.strictSame(cases.map(c => [c.classname, c.name, c.failure?.[0]?.message ?? null, c['system-out']?.[0] ?? null]), [
    ['contract.getJsonWebKeySet', 'getJsonWebKeySet:200', null, '4 answer(s) since 2030-01-01T00:00:00.000Z'],
    ['contract.updateApiKey', 'updateApiKey:200', 'never exercised: updateApiKey:200', null],
    ['contract.updateApiKey', 'updateApiKey:400:schema:type', null, '2 answer(s) since 2030-01-01T00:00:00.000Z'],
    ['contract.updateApiKey', 'updateApiKey:400:label', 'never exercised: updateApiKey:400:label', null],
    ['contract.updateApiKey', 'updateApiKey:401:missing-credentials', null, '1 answer(s) since 2030-01-01T00:00:00.000Z'],
    ['contract.updateApiKey', 'updateApiKey:401:unknown-credential', 'never exercised: updateApiKey:401:unknown-credential', null]
  ])
})

t.test('junit: names with XML\'s special characters are escaped, and the parser refuses what is not XML', async t => {
  const odd = '<op>&"\'x]]>'
  const report: CoverageReport = {
    ...REPORT,
    operations: [{ operation: odd, method: 'GET', path: '/a?b=<c>&d', statuses: [{ status: 200, count: 0, rules: [] }, { status: 400, count: 1, rules: [{ rule: ']]><x/>', count: 1 }] }] }],
    total: 2,
    covered: 1,
    missing: [`${odd}:200`]
  }
  const parsed = await parse(formatCoverage(report, 'junit')) as { testsuite: Array<Record<string, any>> }
  t.equal(parsed.testsuite[0]!.name, `${odd} GET /a?b=<c>&d`)
  t.strictSame(parsed.testsuite[0]!.testcase.map((c: Record<string, any>) => [c.classname, c.name, c.failure?.[0]?.message ?? null]), [
    [`contract.${odd}`, `${odd}:200`, `never exercised: ${odd}:200`],
    [`contract.${odd}`, `${odd}:400:]]><x/>`, null]
  ])
  await t.rejects(parse('<testsuites><testsuite name="a"></testsuites>'), 'a mismatched tag is no JUnit file')
})

t.test('--require: operation:status is met by any answer of that status, operation:status:rule by that rule', async t => {
  t.strictSame(unmet(REPORT, ['updateApiKey:400', 'updateApiKey:401:missing-credentials', 'getJsonWebKeySet:200'], undefined), [])
  t.strictSame(unmet(REPORT, ['updateApiKey:200', 'updateApiKey:401', 'updateApiKey:401:unknown-credential', 'updateApiKey:400:label'], undefined), [
    '3 required case(s) never exercised: updateApiKey:200, updateApiKey:401:unknown-credential, updateApiKey:400:label'
  ])
  t.strictSame(unmet(REPORT, [], undefined), [])
})

t.test('--require naming what the contract lacks throws, naming what it has', async t => {
  t.throws(() => unmet(REPORT, ['renameKey:200'], undefined), new RequirementError('--require renameKey:200: no operation "renameKey" (the contract\'s: getJsonWebKeySet, updateApiKey)'))
  t.throws(() => unmet(REPORT, ['updateApiKey:404'], undefined), new RequirementError('--require updateApiKey:404: updateApiKey lists no status "404" (it lists 200, 400, 401)'))
  t.throws(() => unmet(REPORT, ['updateApiKey'], undefined), new RequirementError('--require updateApiKey: updateApiKey lists no status "" (it lists 200, 400, 401)'))
  t.throws(() => unmet(REPORT, ['updateApiKey:401:expired'], undefined), new RequirementError('--require updateApiKey:401:expired: no rule "expired" answers updateApiKey\'s 401 (its rules: missing-credentials, unknown-credential)'))
  t.throws(() => unmet(REPORT, ['updateApiKey:200:label'], undefined), new RequirementError('--require updateApiKey:200:label: no rule "label" answers updateApiKey\'s 200 (its rules: )'))
})

t.test('--min: met at exactly the share exercised, not a hair above', async t => {
  t.strictSame(unmet(REPORT, [], 50), [])
  t.strictSame(unmet(REPORT, [], 0), [])
  t.strictSame(unmet(REPORT, [], 50.01), ['coverage 3 of 6 cases (50%) is below --min 50.01%; never exercised: updateApiKey:200, updateApiKey:400:label, updateApiKey:401:unknown-credential'])
  // 70 of 71 is 98.59...%: the percent shown rounds down, the comparison is exact.
  const almost = { ...REPORT, total: 71, covered: 70, percent: 98.5, missing: ['x:200'] }
  t.strictSame(unmet(almost, [], 98.59), [])
  t.equal(unmet(almost, [], 98.6).length, 1)
  t.equal(unmet(almost, [], 100).length, 1)
  t.strictSame(unmet(REPORT, ['updateApiKey:200'], 90), [
    '1 required case(s) never exercised: updateApiKey:200',
    'coverage 3 of 6 cases (50%) is below --min 90%; never exercised: updateApiKey:200, updateApiKey:400:label, updateApiKey:401:unknown-credential'
  ])
})
