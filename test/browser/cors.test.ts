// CORS in a real browser: a page served from one origin calls PATCH on the server at another and reads the answer.
import t from 'tap'
import { createServer } from 'node:http'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Page } from 'playwright-core'
import { build, SECRETS } from '../helper.js'
import { patience } from '../patience.js'

const CHROMIUM = '/usr/bin/chromium'
// Without the background-networking flags Chromium dials Google services, which the closed CI network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

interface Outcome { status?: number, body?: unknown, requestId?: string | null, wwwAuthenticate?: string | null, error?: string }

/** What a front-end does: fetch with a bearer token and a JSON body, then read the status, the body and two headers. */
function callFromPage (page: Page, url: string, secret: string, label: string): Promise<Outcome> {
  return page.evaluate(async ({ url, secret, label }) => {
    try {
      const res = await fetch(url, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', 'X-Request-Id': 'from-the-browser' },
        body: JSON.stringify({ label })
      })
      return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id'), wwwAuthenticate: res.headers.get('www-authenticate') }
    } catch (error) {
      return { error: String(error) }
    }
  }, { url, secret, label })
}

t.test('with CORS_ORIGIN a page from another origin PATCHes a key and reads the answer; without it, or from another origin, the browser blocks the call', async t => {
  // CI installs chromium (.ci/run); a missing browser is a broken setup, not a reason to skip.
  if (!existsSync(CHROMIUM)) return t.fail(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`)
  // The front-end's origin: a page server on its own port.
  const pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>front-end</title>'))
  await new Promise<void>(resolve => pages.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { pages.close() })
  const pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`

  // Each server on its own file: build() would give them all the test's one database.
  const server = async (name: string, corsOrigin: string | undefined) => {
    const built = await build(t, { config: { DATABASE_PATH: join(t.testdir(), `${name}.db`), ...(corsOrigin === undefined ? {} : { CORS_ORIGIN: corsOrigin }) } })
    await built.app.listen({ port: 0, host: '127.0.0.1' })
    return { ...built, url: `http://127.0.0.1:${(built.app.server.address() as AddressInfo).port}/project/proj_one/key/key_read` }
  }
  const [listed, any, off, other] = await Promise.all([server('listed', `http://elsewhere.test, ${pageOrigin}`), server('any', '*'), server('off', undefined), server('other', 'http://elsewhere.test')])

  // A plain launch, not a persistent profile: nothing of Chromium's is left in the test's folder while tap removes it.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: patience(3_000) })
  t.teardown(() => browser.close())
  const context = await browser.newContext()
  context.setDefaultTimeout(patience(3_000))
  const page = await context.newPage()
  await page.goto(`${pageOrigin}/`)

  const allowed = await callFromPage(page, listed.url, SECRETS.key_admin, 'From another origin')
  t.match(allowed.body, { key: { updated_at: String } })
  t.strictSame(allowed, {
    status: 200,
    body: { key: { id: 'key_read', label: 'From another origin', roles: 'read,app:db:read', updated_at: (allowed.body as { key: { updated_at: string } }).key.updated_at } },
    requestId: 'from-the-browser',
    wwwAuthenticate: null
  }, 'the page reads the status, the body and the exposed x-request-id')
  t.equal(listed.row('key_read')?.label, 'From another origin', 'the row changed')

  const refused = await callFromPage(page, listed.url, 'basic_key_not_a_real_key_000000000000000', 'Never')
  t.strictSame(refused, {
    status: 401,
    body: { error: 'Unauthorized', message: 'The bearer token is invalid, expired or revoked' },
    requestId: 'from-the-browser',
    wwwAuthenticate: 'Bearer realm="basic-admin", error="invalid_token"'
  }, 'a refusal is readable too, with its WWW-Authenticate')
  t.equal(listed.row('key_read')?.label, 'From another origin', 'the refused call changed nothing')

  const star = await callFromPage(page, any.url, SECRETS.key_admin, 'From any origin')
  t.equal(star.status, 200, 'CORS_ORIGIN=* lets any origin call')
  t.equal(any.row('key_read')?.label, 'From any origin')

  for (const [name, blocked] of [['CORS off (the default)', off], ['CORS_ORIGIN naming another origin', other]] as const) {
    const outcome = await callFromPage(page, blocked.url, SECRETS.key_admin, 'Blocked')
    t.strictSame(outcome, { error: 'TypeError: Failed to fetch' }, `${name}: the browser refuses the call`)
    t.equal(blocked.row('key_read')?.label, 'Read key', `${name}: the PATCH never reached the key (the preflight failed)`)
  }
})
