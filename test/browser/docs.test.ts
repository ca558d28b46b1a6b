// Swagger UI in a real browser: Debian's chromium, driven by playwright-core, against the app listening on a port.
import t, { type Test } from 'tap'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { parse } from 'yaml'
import { chromium, type Page } from 'playwright-core'
import { build, SECRETS } from '../helper.js'
import { servedContractPath } from '../../src/paths.js'
import { DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { patience } from '../patience.js'

const CHROMIUM = '/usr/bin/chromium'
// Without the background-networking flags Chromium dials Google services, which the closed CI network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const contract = parse(readFileSync(servedContractPath, 'utf8')) as { servers: Array<{ url: string }>, paths: Record<string, Record<string, unknown>> }
const OPERATIONS = Object.entries(contract.paths).flatMap(([path, item]) => Object.keys(item).filter(key => ['get', 'put', 'post', 'patch', 'delete'].includes(key)).map(method => `${method.toUpperCase()} ${path}`)).sort()
const PATCH_PATH = '/project/{id}/key/{key_id}'

// One browser for the file, a fresh context (cookies, storage) for each test. CI installs chromium (.ci/run);
// a missing browser is a broken setup, not a reason to skip.
const browser = existsSync(CHROMIUM) ? await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: patience(3_000) }) : undefined
t.teardown(() => browser?.close())

async function newPage (t: Test): Promise<Page> {
  const context = await browser!.newContext()
  t.teardown(() => context.close())
  context.setDefaultTimeout(patience(3_000))
  return await context.newPage()
}

t.test('Swagger UI lists every operation, and Try it out on the PATCH with a bearer token updates the key', async t => {
  if (browser === undefined) return t.fail(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`)
  const { app, row } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const page = await newPage(t)
  const elsewhere: string[] = []
  page.on('request', request => { if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith('data:')) elsewhere.push(request.url()) })

  await page.goto(`${origin}/docs`)
  await page.locator('.opblock').first().waitFor()
  const listed = await page.locator('.opblock').evaluateAll(blocks => blocks.map(block =>
    `${block.querySelector('.opblock-summary-method')?.textContent ?? ''} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''}`))
  t.strictSame(listed.sort(), OPERATIONS, 'every operation of the served contract, and only those')

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

t.test('every Try it out, executed in order with its prefilled values, answers as the contract says and leaves the demo key usable', async t => {
  if (browser === undefined) return t.fail(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`)
  // The demo data, as npm start loads it on a fresh database.
  const { app, row, rows } = await build(t, { fixture: undefined, demo: true })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const page = await newPage(t)
  await page.goto(`${origin}/docs`)
  await page.locator('.opblock').first().waitFor()

  // The one thing typed in: the demo key npm start prints.
  await page.locator('.auth-wrapper .authorize').click()
  const scheme = page.locator('.auth-container').filter({ hasText: 'apiKeyAuth' })
  await scheme.locator('input').fill(DEMO_KEY_SECRET)
  await scheme.getByRole('button', { name: 'Apply credentials' }).click()
  await scheme.getByText('Authorized', { exact: true }).waitFor()
  await scheme.getByRole('button', { name: 'Close' }).click()

  const answers: string[] = []
  const blocks = page.locator('.opblock')
  for (let i = 0; i < await blocks.count(); i++) {
    const block = blocks.nth(i)
    const name = `${await block.locator('.opblock-summary-method').textContent() ?? ''} ${await block.locator('.opblock-summary-path').getAttribute('data-path') ?? ''}`
    await block.locator('.opblock-summary').click()
    await block.locator('.try-out__btn').click()
    await block.locator('.btn.execute').click()
    const status = block.locator('.live-responses-table .response .response-col_status')
    await status.waitFor()
    const url = await block.locator('.request-url pre').textContent()
    answers.push(`${name} -> ${(await status.textContent())?.trim() ?? ''} ${url?.replace(origin, '') ?? ''}`)
  }
  t.strictSame(answers, [
    'GET /auth/.well-known/jwks.json -> 200 /auth/.well-known/jwks.json',
    'POST /project/{id}/key -> 200 /project/proj_demo/key',
    'GET /project/{id}/key -> 200 /project/proj_demo/key',
    'POST /project/{id}/key/verify -> 200 /project/proj_demo/key/verify',
    'GET /project/{id}/key/{key_id} -> 200 /project/proj_demo/key/key_demo',
    'PATCH /project/{id}/key/{key_id} -> 200 /project/proj_demo/key/key_demo',
    'DELETE /project/{id}/key/{key_id} -> 200 /project/proj_demo/key/key_demo_delete',
    'POST /project/{id}/key/{key_id}/regenerate -> 200 /project/proj_demo/key/key_demo_regenerate/regenerate'
  ], 'each operation with the values the page filled in, in the order it lists them')

  t.match(row('key_demo'), { label: 'Renamed from the docs', roles: 'admin,read' }, 'the PATCH example kept admin')
  t.strictSame(rows().map(key => key.id).sort(), [...rows().map(key => key.id).filter(id => !id.startsWith('key_demo')), 'key_demo', 'key_demo_regenerate'].sort(), 'Create added one key; only the disposable key_demo_delete is gone')
  t.equal(rows().filter(key => !key.id.startsWith('key_demo')).map(key => key.label).join(), 'Created from the docs')
  const after = await fetch(`${origin}/project/proj_demo/key/key_demo`, { method: 'PATCH', headers: { authorization: `Bearer ${DEMO_KEY_SECRET}`, 'content-type': 'application/json' }, body: '{"label":"Renamed with curl","roles":"admin,read"}' })
  t.equal(after.status, 200, 'the demo key still makes the PATCH the banner prints')
})

t.test('the server list offers this server alone: no dropdown change can send Try it out to production or staging', async t => {
  if (browser === undefined) return t.fail(`${CHROMIUM} is missing: install it with apt-get install -y chromium (.ci/run does)`)
  const { app } = await build(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const page = await newPage(t)
  await page.goto(`${origin}/docs`)
  await page.locator('.opblock').first().waitFor()
  const offered = await page.locator('.servers select option').evaluateAll(options => options.map(option => (option as HTMLOptionElement).value))
  t.strictSame(offered, ['/'], 'one server, the one the page came from')
  t.strictSame(contract.servers.map(server => server.url), ['/', 'https://api.basic.tech', 'https://beta.api.basic.tech', 'http://localhost:3003'], "while the served contract keeps the seed's servers after it")
})
