// `drift()` (issue 27 item 2) in-process, against stand-ins of the real service on this machine: a faithful one is
// no drift; a drifting one is found in each way the report knows, its keys are deleted again although the step's
// DELETE failed, and the token it echoes is not in the report; a mock as the target and bad options are refused.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { drift, DriftError } from '../../src/drift/run.js'
import { driftMarkdown } from '../../src/drift/report.js'
import { startMockServer } from '../../src/mock-server.js'
import { patience } from '../patience.js'
import { drifting, PROJECT, selfSigned, standIn, TOKEN } from './stand-ins.js'

const timeout = patience(200)

t.test('a stand-in that answers like the mock: every step the same, no difference, the created key deleted by the run', async t => {
  const target = await standIn(t, undefined)
  const report = await drift({ target: target.url, project: PROJECT, token: TOKEN, timeout })
  t.same(report.findings, [], 'no difference')
  t.equal(report.ok, true)
  t.equal(report.steps.length, 29)
  t.strictSame(report.cleanup, [], 'the delete step deleted the key: nothing for the cleanup')
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'], 'the target has what it had before')
  t.match(driftMarkdown(report), /^## basic-admin-mock drift: ✅ no drift\n/)
})

t.test('a drifting stand-in: each drift is a finding with its step, kind and pointer; the cleanup deletes the key the failed DELETE left', async t => {
  const target = await standIn(t, drifting)
  const report = await drift({ target: target.url, project: PROJECT, token: TOKEN, timeout })
  t.equal(report.ok, false)
  t.strictSame(report.findings.map(f => `${f.id} | ${f.target} | ${f.mock}`), [
    'patch-empty-label:status | 200 {"key":{"id":"<key>","label":"accepted an empty one","roles":"read","updated_at":"<time>"}} | 400 Bad Request: label must not be empty or only whitespace',
    'get-key:property:/key/scopes | array | (missing)',
    'list-keys:header:content-type | "application/json; charset=utf-8" | "application/json"',
    'regenerate-key:status | 500 Internal Server Error: failed for Bearer <secret> | 200 {"key":{"id":"<key>","label":"drift: checked","roles":"read","value":"<secret>","is_private":true,"created_at":"<time>"…',
    'non-admin-key:status | 403 Forbidden: not an admin key | 401 Unauthorized: This credential may not manage API keys of this project',
    'delete-key:status | 500 Internal Server Error: try again | 200 {"message":"API key deleted"}',
    'get-deleted-key:status | 200 {"key":{"id":"<key>","label":"drift: checked","roles":"read","created_at":"<time>","scopes":[]}} | 404 API key not found',
    'unknown-key:error:/error | "Not Found" | "API key not found"',
    'unknown-key:property:/message | string | (missing)',
    `unknown-project:transport | timeout: no whole answer within ${timeout} ms (--timeout) | 404`,
    'no-credentials:transport | dropped: the connection closed before an answer | 401'
  ])
  t.equal(report.cleanup.length, 1)
  t.match(report.cleanup[0], /^deleted key \S+ \(200\)$/)
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'], 'no key of the run is left on the target')
  t.notMatch(JSON.stringify(report), TOKEN, 'the token the 500 echoed is not in the report')
  t.notMatch(driftMarkdown(report), TOKEN)
})

t.test('--accept: the listed findings are reported apart and do not fail the run; a listed id that matched nothing is named', async t => {
  const target = await standIn(t, (req, _body, _res, forward) => {
    if (req.method === 'GET' && req.url === `/project/${PROJECT}/key` && req.headers.authorization === `Bearer ${TOKEN}`) {
      forward(undefined, (status, headers, text) => [status, { ...headers, 'content-type': 'application/json; charset=utf-8' }, text])
      return true
    }
    return false
  })
  const report = await drift({ target: target.url, project: PROJECT, token: TOKEN, timeout, accept: ['list-keys:header:content-type', 'get-key:status'] })
  t.strictSame(report.findings, [])
  t.strictSame(report.accepted.map(f => f.id), ['list-keys:header:content-type'])
  t.strictSame(report.unusedAccepts, ['get-key:status'])
  t.equal(report.ok, true)
  t.match(driftMarkdown(report), /### Accepted \(1, listed in --accept\)[\s\S]*### Accepted ids that matched nothing\n\n- `get-key:status`/)
})

t.test('an unreachable target is a finding per step with one clear line, never a throw; nothing is left to clean', async t => {
  const closed = createServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
  const { port } = closed.address() as { port: number }
  await new Promise<void>(resolve => closed.close(() => resolve()))
  const report = await drift({ target: `http://127.0.0.1:${port}`, project: PROJECT, token: TOKEN, timeout })
  t.equal(report.ok, false)
  t.equal(report.findings.length, 29)
  const request = 'POST /project/{project}/key {"label":"basic-admin-mock drift …","roles":"read"}'
  const target = `unreachable: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`
  t.strictSame(report.findings[0], { id: 'create-key:transport', step: 'create-key', request, kind: 'transport', target, mock: '200' })
  t.match(report.steps[0]!.mock, /^200 \(\d+ ms\)$/)
  t.strictSame(report.cleanup, [])
})

t.test('over HTTPS with a self-signed certificate: trusted with ca, no drift; refused without it, a finding that says how to trust it', async t => {
  const tls = selfSigned(t)
  const target = await standIn(t, undefined, tls)
  const trusted = await drift({ target: target.url, project: PROJECT, token: TOKEN, timeout, ca: readFileSync(tls.cert) })
  t.same(trusted.findings, [])
  t.equal(trusted.ok, true)
  const refused = await drift({ target: target.url, project: PROJECT, token: TOKEN, timeout })
  t.equal(refused.ok, false)
  t.match(refused.findings[0]!.target, /^certificate: the certificate was refused: [A-Z_]+ \(give the target's CA with --ca FILE or NODE_EXTRA_CA_CERTS\)$/)
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'])
})

t.test('a basic-admin-mock as the target is refused before any key is made: a mirror proves nothing', async t => {
  const mock = await startMockServer({ fixture: { projects: [{ id: PROJECT, name: 'P', keys: [{ id: 'key_a', label: 'a', roles: 'admin', value: TOKEN }] }] } })
  t.teardown(() => mock.close())
  await t.rejects(drift({ target: mock.url, project: PROJECT, token: TOKEN, timeout }), new DriftError(`the target ${mock.url} is a basic-admin-mock server (its /openapi.json is the mock's served contract): comparing the mock with itself proves nothing; give the real service's address`))
  t.equal(mock.count({ method: 'POST' }), 0, 'nothing was created on it')
})

t.test('bad options are refused before anything is sent', async t => {
  await t.rejects(drift({ target: 'ftp://x', project: PROJECT, token: TOKEN }), new DriftError('--target must be http or https (got "ftp:")'))
  await t.rejects(drift({ target: 'https://u:p@example.com', project: PROJECT, token: TOKEN }), new DriftError('--target must not hold credentials (user:password@): the run sends only --token'))
  await t.rejects(drift({ target: 'https://example.com', project: 'a b', token: TOKEN }), new DriftError('--project must be a project id, 1 to 128 of A-Z a-z 0-9 _ - (got "a b")'))
  await t.rejects(drift({ target: 'https://example.com', project: PROJECT, token: 'secret' }), new DriftError('--token must be an admin API key of the project (basic_key_ and at least 20 characters): the mock world is seeded with the same value'))
  await t.rejects(drift({ target: 'https://example.com', project: PROJECT, token: TOKEN, timeout: 0 }), new DriftError('--timeout must be 1 to 600000 ms (got 0)'))
})

t.test('the create went through but its answer was lost: the cleanup finds the key by its label and deletes it', async t => {
  const target = await standIn(t, (req, _body, res, forward) => {
    if (req.method !== 'POST' || req.url !== `/project/${PROJECT}/key`) return false
    forward(undefined, (status, headers, text) => {
      res.socket!.destroy()
      return [status, headers, text]
    })
    return true
  })
  const report = await drift({ target: target.url, project: PROJECT, token: TOKEN, timeout })
  t.match(report.findings[0], { id: 'create-key:transport', target: /^dropped: / })
  t.equal(report.cleanup.length, 1)
  t.match(report.cleanup[0], /^deleted key \S+ \(200\)$/)
  t.strictSame((await target.keyIds()).sort(), ['key_drift_admin', 'key_other'], 'no key of the run is left on the target')
})
