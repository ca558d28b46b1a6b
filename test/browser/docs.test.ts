// Swagger UI in a real browser: Debian's chromium, driven by playwright-core, against the app listening on a port.
import t from 'tap'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { parse } from 'yaml'
import { chromium } from 'playwright-core'
import { build, SECRETS } from '../helper.js'
import { contractPath } from '../../src/paths.js'
import { patience } from '../patience.js'

const CHROMIUM = '/usr/bin/chromium'
// Without the background-networking flags Chromium dials Google services, which the closed CI network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const contract = parse(readFileSync(contractPath, 'utf8')) as { paths: Record<string, Record<string, unknown>> }
const OPERATIONS = Object.entries(contract.paths).flatMap(([path, item]) => Object.keys(item).map(method => `${method.toUpperCase()} ${path}`)).sort()
const PATCH_PATH = '/project/{id}/key/{key_id}'

t.test('Swagger UI lists every operation, and Try it out on the PATCH with a bearer token updates the key', async t => {
  // CI installs chromium (.ci/run); a missing browser is a broken setup, not a reason to skip.
  if (!existsSync(CHROMIUM)) return t.fail(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`)
  const { app, row } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const context = await chromium.launchPersistentContext(join(t.testdir(), 'profile'), { executablePath: CHROMIUM, args: ARGS, timeout: patience(1_500) })
  t.teardown(() => context.close())
  context.setDefaultTimeout(patience(1_000))
  const page = context.pages()[0] ?? await context.newPage()
  const elsewhere: string[] = []
  page.on('request', request => { if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith('data:')) elsewhere.push(request.url()) })

  await page.goto(`${origin}/docs`)
  await page.locator('.opblock').first().waitFor()
  const listed = await page.locator('.opblock').evaluateAll(blocks => blocks.map(block =>
    `${block.querySelector('.opblock-summary-method')?.textContent ?? ''} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`))
  t.strictSame(listed.sort(), OPERATIONS, 'every operation of openapi/basic-admin.yaml, and only those')

  // Both security schemes are http bearer; the admin API key fills apiKeyAuth.
  await page.locator('.auth-wrapper .authorize').click()
  const scheme = page.locator('.auth-container').filter({ hasText: 'apiKeyAuth' })
  await scheme.locator('input').fill(SECRETS.key_admin)
  await scheme.getByRole('button', { name: 'Apply credentials' }).click()
  await scheme.getByText('Authorized', { exact: true }).waitFor()
  await scheme.getByRole('button', { name: 'Close' }).click()

  const operation = page.locator('.opblock-patch').filter({ has: page.locator(`.opblock-summary-path[data-path="${PATCH_PATH}"]`) })
  await operation.locator('.opblock-summary').click()
  await operation.locator('.try-out__btn').click()
  await operation.locator('tr[data-param-name="id"] input').fill('proj_one')
  await operation.locator('tr[data-param-name="key_id"] input').fill('key_read')
  await operation.locator('textarea.body-param__text').fill('{"label":"From the browser"}')
  await operation.locator('.btn.execute').click()

  const status = operation.locator('.live-responses-table .response .response-col_status')
  await status.waitFor()
  t.equal((await status.textContent())?.trim(), '200', 'the UI shows the answer 200')
  t.equal(await operation.locator('.request-url pre').textContent(), `${origin}/project/proj_one/key/key_read`, 'the request went to this server, not the contract\'s production server')
  t.equal(row('key_read')?.label, 'From the browser', 'the row changed in the database')
  t.strictSame(elsewhere, [], 'the page needed nothing but this server')

  const screenshot = join(t.testdir(), 'docs.png')
  await page.screenshot({ path: screenshot, fullPage: true })
  t.ok(existsSync(screenshot) && statSync(screenshot).size > 0, `a screenshot is saved at ${screenshot}`)
})
