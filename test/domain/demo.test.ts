import t from 'tap'
import { buildApp } from '../../src/app.js'
import { demoBanner, DEMO_KEY_SECRET } from '../../src/domain/demo.js'
import { demoKey, resetToSeedNow } from '../../src/operations/seed.js'
import type { World } from '../../src/world.js'
import { bearer, patchKey, testConfig } from '../helper.js'

const CURL = "Try the demo key:\ncurl -sS -X PATCH http://h:1/project/proj_demo/key/key_demo -H 'Authorization: Bearer " +
  `${DEMO_KEY_SECRET}' -H 'Content-Type: application/json' -d '{"label":"Renamed with curl","roles":"admin,read"}'`
const RESET = 'npx basic-admin-mock reset puts the demo data back (and removes everything else)'
type Tap = Parameters<Parameters<typeof t.test>[0]>[0]

async function demoApp (t: Tap) {
  const app = await buildApp({ config: testConfig(t.testdir(), { DATABASE_PATH: ':memory:' }), demo: true, logger: false })
  t.teardown(() => app.close())
  return app
}

/** The banner as the server computes it. */
const banner = (world: World, expectDemo = true): string | undefined =>
  demoBanner(demoKey(world).principal, demoKey(world).exists, 'http://h:1', expectDemo)

t.test('the banner offers the demo curl while the demo key can make that PATCH, and says why not once it cannot', async t => {
  const app = await demoApp(t)
  t.equal(banner(app.world), CURL)
  const res = await patchKey(app, 'proj_demo', 'key_demo', { roles: 'read' }, bearer(DEMO_KEY_SECRET))
  t.equal(res.statusCode, 200)
  t.equal(banner(app.world), `No demo curl: the demo key key_demo no longer has the admin role (its roles are "read"); ${RESET}`)
  t.equal(banner(app.world, false), banner(app.world), 'said with a SEED_FILE too: the demo data is there')
  resetToSeedNow(app.world)
  t.equal(banner(app.world), CURL, 'a reset brings the curl back')
})

t.test('the banner says when the demo key was regenerated or deleted, and says nothing when a SEED_FILE replaces the demo data', async t => {
  const app = await demoApp(t)
  const regenerated = await app.inject({ method: 'POST', url: '/project/proj_demo/key/key_demo/regenerate', headers: bearer(DEMO_KEY_SECRET) })
  t.equal(regenerated.statusCode, 200)
  t.equal(banner(app.world), `No demo curl: the demo key key_demo has a new secret (it was regenerated); ${RESET}`)
  t.ok(app.world.keys.remove('proj_demo', 'key_demo'))
  t.equal(banner(app.world), `No demo curl: this database has no demo key key_demo (deleted, or the database was seeded with other data); ${RESET}`)
  t.equal(banner(app.world, false), undefined)
})

t.test('the demo data goes only into an empty database without a fixture', async t => {
  const app = await buildApp({ config: testConfig(t.testdir(), { DATABASE_PATH: ':memory:' }), demo: true, fixture: { users: [{ id: 'u', email: 'e' }] }, logger: false })
  t.teardown(() => app.close())
  t.equal(app.world.db.prepare('SELECT count(*) FROM projects').pluck().get(), 0)
  t.equal(banner(app.world, false), undefined)
})
