// Swagger UI at /docs: the page, and the spec it is given, which is the one /openapi.json serves.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { build } from '../helper.js'
import { servedContractPath } from '../../src/paths.js'

const served = parse(readFileSync(servedContractPath, 'utf8')) as { servers: Array<{ url: string }> }

t.test('GET /docs answers the Swagger UI page, whose assets the server itself serves', async t => {
  const { app } = await build(t)
  for (const url of ['/docs', '/docs/']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /^text\/html/, url)
    t.match(res.body, /<div id="swagger-ui">/, url)
  }
  for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.css', 'swagger-initializer.js']) {
    const res = await app.inject(`/docs/static/${asset}`)
    t.equal(res.statusCode, 200, asset)
  }
})

t.test('the spec Swagger UI loads is the served contract with this server alone in servers; /openapi.json keeps the seed\'s after it', async t => {
  const { app } = await build(t)
  const here = { url: '/', description: 'This mock server (the address serving this document)' }
  for (const url of ['/docs/json', '/docs/yaml']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    const spec = (url.endsWith('json') ? res.json() : parse(res.body)) as typeof served
    t.strictSame(spec.servers, [here], `${url}: Try it out can call the server the page came from, and nothing else`)
    t.strictSame({ ...spec, servers: served.servers }, served, `${url}: otherwise the document /openapi.json serves`)
  }
  t.strictSame(served.servers.map(server => server.url), ['/', 'https://api.basic.tech', 'https://beta.api.basic.tech', 'http://localhost:3003'], 'the served contract: this server, then the seed\'s')
})

t.test('/openapi.json still serves the served contract unchanged after /docs has been loaded', async t => {
  const { app } = await build(t)
  await app.inject('/docs/json')
  await app.inject('/docs/yaml')
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), served)
})

t.test('an unknown path under /docs answers the usual 404 {error, message}', async t => {
  const { app } = await build(t)
  for (const url of ['/docs/nope', '/docs/static/nope.js', '/docs/static/../../package.json', '/docs/static/%2e%2e/%2e%2e/package.json']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 404, url)
    t.strictSame(Object.keys(res.json()), ['error', 'message'], url)
  }
})
