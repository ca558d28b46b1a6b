// The conformance script of `basic-admin-mock drift`: the same requests, in this order, to the target and to a
// fresh mock. Each step builds its request from what the side it runs on answered before (its own key id and secret).
import type { Sent } from './http.js'

/** What one side answered so far: the key the run created there, its current secret. */
export interface Side {
  keyId: string
  secret: string
}

export interface Step {
  name: string
  /** The request as the report shows it: no ids of one side, no secret. */
  shown: string
  build: (project: string, token: string, side: Side) => Sent
  /** Reads what later steps need from a 2xx answer's body. */
  capture?: (body: unknown, side: Side) => void
  /** The step deletes the run's key on the side (cleanup then has nothing left to do there). */
  deletes?: boolean
}

// A placeholder until a side's create answered: requests still go, and their answers show the difference.
export const NO_KEY = 'key_drift_not_created'
const UNKNOWN_SECRET = 'basic_key_' + 'drift0000'.repeat(5)

const json = { 'content-type': 'application/json' }
const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
const keyPath = (project: string, side: Side): string => `/project/${encodeURIComponent(project)}/key/${encodeURIComponent(side.keyId)}`

function patch (name: string, body: unknown, what = JSON.stringify(body)): Step {
  return {
    name,
    shown: `PATCH /project/{project}/key/{key} ${what}`,
    build: (project, token, side) => ({ method: 'PATCH', path: keyPath(project, side), headers: { ...auth(token), ...json }, body: JSON.stringify(body) })
  }
}

function keyOf (body: unknown): { id?: unknown, value?: unknown } {
  return (body as { key?: { id?: unknown, value?: unknown } } | null)?.key ?? {}
}

/** The label the run's key is created with: what finds it again when the create's answer was lost. */
export const createdLabel = (runId: string): string => `basic-admin-mock drift ${runId}`

export function script (runId: string): Step[] {
  return [
    {
      name: 'create-key',
      shown: 'POST /project/{project}/key {"label":"basic-admin-mock drift …","roles":"read"}',
      build: (project, token) => ({ method: 'POST', path: `/project/${encodeURIComponent(project)}/key`, headers: { ...auth(token), ...json }, body: JSON.stringify({ label: createdLabel(runId), roles: 'read' }) }),
      capture: (body, side) => {
        const { id, value } = keyOf(body)
        if (typeof id === 'string') side.keyId = id
        if (typeof value === 'string') side.secret = value
      }
    },
    patch('patch-label', { label: 'drift: renamed' }),
    patch('patch-roles', { roles: 'read, app:db:read' }),
    patch('patch-label-and-roles', { label: 'drift: both', roles: 'read' }),
    // Bodies the mock takes, then the edges its overlay refuses, then one it takes again: the state is the same
    // on both sides afterwards even where the target took an edge body.
    patch('patch-duplicate-roles', { roles: 'read,read' }),
    patch('patch-label-255', { label: 'x'.repeat(255) }, '{"label":"x"×255}'),
    patch('patch-label-256', { label: 'x'.repeat(256) }, '{"label":"x"×256}'),
    patch('patch-empty-label', { label: '' }),
    patch('patch-whitespace-label', { label: '   ' }),
    patch('patch-invalid-role', { roles: 'read,not a role' }),
    patch('patch-empty-roles', { roles: '' }),
    patch('patch-unknown-property', { label: 'drift', color: 'red' }),
    patch('patch-wrong-type', { label: 5 }),
    patch('patch-empty-object', {}),
    {
      name: 'patch-no-body',
      shown: 'PATCH /project/{project}/key/{key} (no body)',
      build: (project, token, side) => ({ method: 'PATCH', path: keyPath(project, side), headers: auth(token) })
    },
    {
      name: 'patch-wrong-content-type',
      shown: 'PATCH /project/{project}/key/{key} text/plain label=drift',
      build: (project, token, side) => ({ method: 'PATCH', path: keyPath(project, side), headers: { ...auth(token), 'content-type': 'text/plain' }, body: 'label=drift' })
    },
    patch('patch-label-again', { label: 'drift: checked', roles: 'read' }),
    {
      name: 'get-key',
      shown: 'GET /project/{project}/key/{key}',
      build: (project, token, side) => ({ method: 'GET', path: keyPath(project, side), headers: auth(token) })
    },
    {
      name: 'list-keys',
      shown: 'GET /project/{project}/key',
      build: (project, token) => ({ method: 'GET', path: `/project/${encodeURIComponent(project)}/key`, headers: auth(token) })
    },
    {
      name: 'regenerate-key',
      shown: 'POST /project/{project}/key/{key}/regenerate',
      build: (project, token, side) => ({ method: 'POST', path: `${keyPath(project, side)}/regenerate`, headers: auth(token) }),
      capture: (body, side) => {
        const { value } = keyOf(body)
        if (typeof value === 'string') side.secret = value
      }
    },
    {
      name: 'verify-secret',
      shown: 'POST /project/{project}/key/verify {"key":"<its secret>","key_id":"<its id>"}',
      build: (project, token, side) => ({ method: 'POST', path: `/project/${encodeURIComponent(project)}/key/verify`, headers: { ...auth(token), ...json }, body: JSON.stringify({ key: side.secret, key_id: side.keyId }) })
    },
    {
      name: 'verify-unknown-secret',
      shown: 'POST /project/{project}/key/verify {"key":"<a secret no key has>"}',
      build: (project, token) => ({ method: 'POST', path: `/project/${encodeURIComponent(project)}/key/verify`, headers: { ...auth(token), ...json }, body: JSON.stringify({ key: UNKNOWN_SECRET }) })
    },
    {
      name: 'non-admin-key',
      shown: 'GET /project/{project}/key with the created key (roles: read)',
      build: (project, _token, side) => ({ method: 'GET', path: `/project/${encodeURIComponent(project)}/key`, headers: auth(side.secret === '' ? UNKNOWN_SECRET : side.secret) })
    },
    {
      name: 'delete-key',
      shown: 'DELETE /project/{project}/key/{key}',
      build: (project, token, side) => ({ method: 'DELETE', path: keyPath(project, side), headers: auth(token) }),
      deletes: true
    },
    {
      name: 'get-deleted-key',
      shown: 'GET /project/{project}/key/{key} after its delete',
      build: (project, token, side) => ({ method: 'GET', path: keyPath(project, side), headers: auth(token) })
    },
    {
      name: 'unknown-key',
      shown: 'GET /project/{project}/key/key_drift_unknown',
      build: (project, token) => ({ method: 'GET', path: `/project/${encodeURIComponent(project)}/key/key_drift_unknown`, headers: auth(token) })
    },
    {
      name: 'unknown-project',
      shown: 'GET /project/proj_drift_unknown/key',
      build: (_project, token) => ({ method: 'GET', path: '/project/proj_drift_unknown/key', headers: auth(token) })
    },
    {
      name: 'no-credentials',
      shown: 'GET /project/{project}/key without Authorization',
      build: (project) => ({ method: 'GET', path: `/project/${encodeURIComponent(project)}/key`, headers: {} })
    },
    {
      name: 'unknown-token',
      shown: 'GET /project/{project}/key with a key no project has',
      build: (project) => ({ method: 'GET', path: `/project/${encodeURIComponent(project)}/key`, headers: auth(UNKNOWN_SECRET) })
    }
  ]
}
