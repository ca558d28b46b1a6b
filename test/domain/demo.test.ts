import t from 'tap'
import { buildApp } from '../../src/app.js'
import { demoCurl, DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { demoKey } from '../../src/operations/seed.js'
import { bearer, patchKey, testConfig } from '../helper.js'

t.test('the demo curl is offered only while the demo key can still make that PATCH', async t => {
  const app = await buildApp({ config: testConfig(t.testdir(), { DATABASE_PATH: ':memory:' }), demo: true, logger: false })
  t.teardown(() => app.close())
  t.equal(demoCurl(demoKey(app.world), 'http://h:1'), "curl -sS -X PATCH http://h:1/project/proj_demo/key/key_demo -H 'Authorization: Bearer " +
    `${DEMO_KEY_SECRET}' -H 'Content-Type: application/json' -d '{"label":"Renamed with curl","roles":"admin,read"}'`)
  const res = await patchKey(app, 'proj_demo', 'key_demo', { roles: 'read' }, bearer(DEMO_KEY_SECRET))
  t.equal(res.statusCode, 200)
  t.equal(demoCurl(demoKey(app.world), 'http://h:1'), undefined, 'no admin role, no curl that would answer 401')
})

t.test('the demo data goes only into an empty database without a fixture', async t => {
  const app = await buildApp({ config: testConfig(t.testdir(), { DATABASE_PATH: ':memory:' }), demo: true, fixture: { users: [{ id: 'u', email: 'e' }] }, logger: false })
  t.teardown(() => app.close())
  t.equal(app.world.db.prepare('SELECT count(*) FROM projects').pluck().get(), 0)
  t.equal(demoCurl(demoKey(app.world), 'http://h:1'), undefined)
})
