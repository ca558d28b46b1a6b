// `basic-admin-mock coverage` against servers that are not what it expects (issue 23 items 6, 10 and 11), as a real
// process: every failure is one line on stderr, escaped, with no credential in it, and an endless answer is cut.
import t, { type Test } from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../src/paths.js'
import { ADMIN_TOKEN } from './answers.js'
import { patience } from './patience.js'
import { runToEnd, type Ran } from './process/run-to-end.js'
import { listen } from './wire.js'

const CLI = join(packageRoot, 'dist', 'src', 'cli.js')
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`)

t.jobs = 4

const coverage = (t: Test, args: string[], env: Record<string, string> = { BASIC_ADMIN_TOKEN: ADMIN_TOKEN }): Promise<Ran> =>
  runToEnd(process.execPath, [CLI, 'coverage', ...args], { env, t, timeoutMs: patience(1_500), what: `basic-admin-mock coverage ${args.join(' ')}` })

/** A stand-in server on 127.0.0.1 answering every request with `handler`; resolves with its URL. */
async function standIn (t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return `http://127.0.0.1:${address.port}`
}

t.test('a server answering {} (or no JSON) is one line saying it is no coverage report, not a TypeError stack', async t => {
  const empty = await standIn(t, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  t.strictSame(await coverage(t, ['--url', empty]), {
    code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${empty}/__admin/coverage answered 200 with "{}", not a coverage report: is --url a basic-admin-mock server?\n`
  })
  const html = await standIn(t, (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'))
  t.strictSame(await coverage(t, ['--url', html]), {
    code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${html}/__admin/coverage answered 200 with no JSON ("<html>hello</html>"): is --url a basic-admin-mock server?\n`
  })
})

t.test('a server\'s error text is printed with its control characters escaped, on one line', async t => {
  const message = 'boom\n::error::forged annotation\u001b[2J\r\u009b31m'
  const url = await standIn(t, (_req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Internal', message })))
  const ran = await coverage(t, ['--url', url])
  t.strictSame(ran, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${url}/__admin/coverage answered 500: boom\\n::error::forged annotation\\x1b[2J\\r\\x9b31m\n` })
  // eslint-disable-next-line no-control-regex -- control characters are what is checked
  t.notMatch(ran.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'no control character reaches the terminal')
  const raw = await standIn(t, (_req, res) => res.writeHead(502).end('bad gateway\n::warning::x'))
  t.equal((await coverage(t, ['--url', raw])).stderr, `basic-admin-mock: ${raw}/__admin/coverage answered 502: bad gateway\\n::warning::x\n`, 'a body that is not JSON too')
})

t.test('an endless answer is cut at 4 MiB with one line, instead of growing memory until the machine gives out', async t => {
  let sent = 0
  const chunk = Buffer.alloc(64 * 1024, 0x20)
  const url = await standIn(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"operations":[')
    const more = (): void => {
      while (!res.destroyed && res.write(chunk)) sent += chunk.length
      if (!res.destroyed) res.once('drain', more)
    }
    res.on('close', () => res.removeAllListeners('drain'))
    more()
  })
  const ran = await coverage(t, ['--url', url])
  t.strictSame(ran, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: ${url}/__admin/coverage answered more than 4 MiB: no coverage report is that big (is --url a basic-admin-mock server?)\n` })
  t.ok(sent < 64 * 1024 * 1024, `the client stopped reading soon after the cap (${Math.round(sent / 1024 / 1024)} MiB sent)`)
})

t.test('credentials in --url are refused and never printed; the token is read from BASIC_ADMIN_TOKEN or ADMIN_TOKEN', async t => {
  const { url } = await listen(t, { config: { ADMIN_TOKEN } })
  const port = new URL(url).port
  const ran = await coverage(t, ['--url', `http://ci-user:hunter2-secret@127.0.0.1:${port}`])
  t.strictSame(ran, { code: 1, signal: null, stdout: '', stderr: `basic-admin-mock: --url must not hold credentials (user:password@): the control plane reads only BASIC_ADMIN_TOKEN (got "http://[hidden]@127.0.0.1:${port}")\n` })
  t.notMatch(ran.stderr, /hunter2|ci-user/)
  const both = await coverage(t, ['--url', url], { BASIC_ADMIN_TOKEN: ADMIN_TOKEN, ADMIN_TOKEN: 'the-server-own-token-not-this-one' })
  t.strictSame({ code: both.code, stderr: both.stderr }, { code: 0, stderr: '' }, 'BASIC_ADMIN_TOKEN, the client\'s own name, wins')
  t.match(both.stdout, /^Contract coverage: 0 of \d+ cases/)
  const server = await coverage(t, ['--url', url], { ADMIN_TOKEN })
  t.equal(server.code, 0, 'ADMIN_TOKEN, as the server has it, serves too')
  const flag = await coverage(t, ['--url', url, '--admin-token', ADMIN_TOKEN], {})
  t.equal(flag.code, 0, '--admin-token still works')
})

t.test('a report with control characters in its words is printed escaped in text and markdown, and as JSON escapes in json', async t => {
  const report = { namespace: 'default', since: '2030-01-01T00:00:00.000Z', total: 1, covered: 0, percent: 0, missing: ['x:200'], other: [], operations: [{ operation: 'evil\u001b[2J\n::error::x', method: 'GET', path: '/\u009b', statuses: [{ status: 200, count: 0, rules: [] }] }] }
  const url = await standIn(t, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report)))
  for (const format of ['text', 'markdown', 'json']) {
    const ran = await coverage(t, ['--url', url, '--format', format])
    t.equal(ran.code, 0, format)
    // eslint-disable-next-line no-control-regex -- control characters are what is checked
    t.notMatch(ran.stdout, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, `${format}: no control character but line ends`)
    t.notMatch(ran.stdout, /^::error::/m, `${format}: no forged annotation line`)
  }
  const json = await coverage(t, ['--url', url, '--format', 'json'])
  t.strictSame(JSON.parse(json.stdout), report, 'the JSON still reads back as the server sent it')
})
