// The error plugin alone: only contract shapes leave the server, faults never show their details.
import t from 'tap'
import Fastify from 'fastify'
import { createRedactor } from '../../src/domain/redact.js'
import errorsPlugin from '../../src/plugins/errors.js'
import { build, bearer, patchKey, SECRETS } from '../helper.js'

t.test('a fault is a bare 500 in the contract shape, its details only in the log', async t => {
  const logged: string[] = []
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } } })
  await app.register(errorsPlugin, { redact: createRedactor() })
  app.get('/boom', async () => { throw new Error('database password is hunter2') })
  t.teardown(() => app.close())
  const res = await app.inject('/boom')
  t.equal(res.statusCode, 500)
  t.equal(res.body, '{"error":"Internal Server Error","message":"Internal Server Error"}')
  t.equal(logged.length, 1)
  t.match(JSON.parse(logged[0]!), { reqId: String, msg: 'request failed', err: { message: 'database password is hunter2' } })
})

t.test('any other client error Fastify raises becomes the contract\'s 400', async t => {
  const app = Fastify({ logger: false })
  await app.register(errorsPlugin, { redact: createRedactor() })
  app.get('/teapot', async () => { throw Object.assign(new Error('I am a teapot'), { statusCode: 418 }) })
  t.teardown(() => app.close())
  const res = await app.inject('/teapot')
  t.equal(res.statusCode, 400)
  t.strictSame(res.json(), { error: 'Bad Request', message: 'I am a teapot' })
})

t.test('a PATCH that hits a broken database answers 500 and nothing else', async t => {
  const { app } = await build(t)
  app.world.db.prepare('DROP TABLE api_keys').run()
  const res = await patchKey(app, 'proj_one', 'key_read', { label: 'x' }, bearer(SECRETS.key_admin))
  t.equal(res.statusCode, 500)
  t.strictSame(res.json(), { error: 'Internal Server Error', message: 'Internal Server Error' })
})
