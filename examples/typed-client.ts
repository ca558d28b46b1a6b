// A typed client of basic-admin-mock: types generated from the contract the server serves, every operation called
// with openapi-fetch. docs/contract.md gives the commands that make the types beside this file, compile it with
// `strict` and run it; npm test runs them against a server of its own (test/contract/typed-consumer.test.ts).
import createClient from 'openapi-fetch'
import type { paths } from './basic-admin.js'

const baseUrl = process.env.BASE_URL ?? 'http://localhost:3003'
// The demo key `npm start` prints: public demo data, not a credential.
const token = process.env.TOKEN ?? 'basic_key_demoDEMOdemoDEMOdemoDEMOdemoDEMOdemoDEMOdem'
const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } })
const project = { id: 'proj_demo' }
const statuses: string[] = []

/** The answer's data, or an error naming the status and the error body. */
function ok<T> (name: string, result: { data?: T, error?: unknown, response: Response }): T {
  statuses.push(`${result.response.status} ${name}`)
  if (result.data === undefined) throw new Error(`${name}: ${result.response.status} ${JSON.stringify(result.error)}`)
  return result.data
}

// Every field the contract lists as required is typed as present: no optional chaining below.
const created = ok('create', await client.POST('/project/{id}/key', { params: { path: project }, body: { label: 'Typed client', roles: 'read' } }))
const key = { ...project, key_id: created.key.id }
const secret: string = created.key.value

const listed = ok('list', await client.GET('/project/{id}/key', { params: { path: project } }))
const lastUsed: string | null = listed.data[0]!.last_used

const verified = ok('verify', await client.POST('/project/{id}/key/verify', { params: { path: project }, body: { key: secret, key_id: key.key_id } }))
// key is there only when is_valid is true, so it stays optional.
if (!verified.is_valid || verified.key?.id !== key.key_id) throw new Error('verify: the new secret is not valid')

const read = ok('get', await client.GET('/project/{id}/key/{key_id}', { params: { path: key } }))
const updated = ok('update', await client.PATCH('/project/{id}/key/{key_id}', { params: { path: key }, body: { roles: 'read, write' } }))
const regenerated = ok('regenerate', await client.POST('/project/{id}/key/{key_id}/regenerate', { params: { path: key } }))
if (regenerated.key.value === secret) throw new Error('regenerate: the secret did not change')
const deleted = ok('delete', await client.DELETE('/project/{id}/key/{key_id}', { params: { path: key } }))
const jwks = ok('jwks', await client.GET('/auth/.well-known/jwks.json'))

// Error answers are typed too: a 404 body has its error.
const missing = await client.GET('/project/{id}/key/{key_id}', { params: { path: key } })
statuses.push(`${missing.response.status} get deleted`)
const notFound: string | undefined = missing.error?.error

/** Never called: the contract marks these request bodies required, so leaving one out does not compile. */
export async function withoutBodies (): Promise<void> {
  // @ts-expect-error Create needs a body
  await client.POST('/project/{id}/key', { params: { path: project } })
  // @ts-expect-error Verify needs a body
  await client.POST('/project/{id}/key/verify', { params: { path: project } })
  // @ts-expect-error Update needs a body
  await client.PATCH('/project/{id}/key/{key_id}', { params: { path: key } })
}

console.log(JSON.stringify({
  statuses, lastUsed, label: read.key.label, roles: updated.key.roles, deleted: deleted.message, kid: jwks.keys[0]!.kid, notFound
}))
