import type { Principal } from './credential.js'
import type { Fixture } from './fixture.js'

// A fixed, documented secret, so the printed curl works on every start until
// the demo key is changed or deleted. It is a mock's demo data, not a credential.
export const DEMO_KEY_SECRET = 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem'

export const DEMO_FIXTURE: Fixture = {
  users: [{ id: 'user_demo', email: 'demo@example.com', name: 'Demo User' }],
  projects: [{
    id: 'proj_demo',
    name: 'Demo project',
    members: [{ user: 'user_demo', role: 'owner' }],
    keys: [
      { id: 'key_demo', label: 'Demo admin key', roles: 'admin', value: DEMO_KEY_SECRET },
      // The contract's examples of delete and regenerate (openapi/basic-admin.overlay.yaml): trying them, or a
      // generator's default run, acts on these and never on the demo key; a reset puts them back.
      { id: 'key_demo_delete', label: 'Disposable demo key (delete it; reset restores it)', roles: 'read', value: 'basic_key_demo_disposable_delete_000000000' },
      { id: 'key_demo_regenerate', label: 'Disposable demo key (regenerate it; reset restores it)', roles: 'read', value: 'basic_key_demo_disposable_regenerate_00000' }
    ]
  }]
}

const RESET_HINT = 'npx basic-admin-mock reset puts the demo data back (and removes everything else)'

/**
 * What the banner says about the demo key, given what its secret authenticates as now and whether a key_demo is
 * still there: a ready-to-paste PATCH while the key can make it, otherwise why not and how to get it back.
 * Undefined when the demo key is gone and no demo data is expected (a SEED_FILE).
 */
export function demoBanner (demoKey: Principal | undefined, demoKeyExists: boolean, baseUrl: string, expectDemo: boolean): string | undefined {
  const isDemo = demoKey?.kind === 'key' && demoKey.keyId === 'key_demo' && demoKey.projectId === 'proj_demo'
  if (isDemo && demoKey.admin) {
    return 'Try the demo key:\n' +
      `curl -sS -X PATCH ${baseUrl}/project/proj_demo/key/key_demo` +
      ` -H 'Authorization: Bearer ${DEMO_KEY_SECRET}' -H 'Content-Type: application/json'` +
      ' -d \'{"label":"Renamed with curl","roles":"admin,read"}\''
  }
  if (isDemo) return `No demo curl: the demo key key_demo no longer has the admin role (its roles are ${JSON.stringify(demoKey.roles)}); ${RESET_HINT}`
  if (!expectDemo) return undefined
  if (demoKeyExists) return `No demo curl: the demo key key_demo has a new secret (it was regenerated); ${RESET_HINT}`
  return `No demo curl: this database has no demo key key_demo (deleted, or the database was seeded with other data); ${RESET_HINT}`
}
