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
    keys: [{ id: 'key_demo', label: 'Demo admin key', roles: 'admin', value: DEMO_KEY_SECRET }]
  }]
}

/** A ready-to-paste PATCH for the demo key, or undefined once that key could no longer make it (changed, regenerated, not admin). */
export function demoCurl (demoKey: Principal | undefined, baseUrl: string): string | undefined {
  if (demoKey?.kind !== 'key' || demoKey.keyId !== 'key_demo' || demoKey.projectId !== 'proj_demo' || !demoKey.admin) return undefined
  return `curl -sS -X PATCH ${baseUrl}/project/proj_demo/key/key_demo` +
    ` -H 'Authorization: Bearer ${DEMO_KEY_SECRET}' -H 'Content-Type: application/json'` +
    ' -d \'{"label":"Renamed with curl","roles":"admin,read"}\''
}
