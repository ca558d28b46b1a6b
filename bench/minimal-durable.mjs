// The minimal durable PATCH on this stack (issue 29), the second reference: a bare Fastify route that checks one static
// API key, validates the body with the server's own JSON Schema (the built contract) and runs one better-sqlite3
// UPDATE ... RETURNING per request (WAL, synchronous=NORMAL, its own commit: no group commit). DATABASE_PATH is a copy
// of the bench's database; API_KEY the one secret it takes. NO_WRITE=1 answers from the request alone, no SQLite: the
// same route without its write, which says what the write costs and what is left when it is gone.
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { UpdateApiKeyBodySchema, UpdateApiKeyParamsSchema, UpdateApiKeyResponse200Schema } from '../dist/src/schemas/generated/update-api-key.js'

const db = new Database(process.env.DATABASE_PATH)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
const statement = db.prepare('UPDATE api_keys SET label = coalesce(?, label), roles = coalesce(?, roles), updated_at = ? WHERE project_id = ? AND id = ? RETURNING id, label, roles, updated_at')
const update = process.env.NO_WRITE === '1'
  ? { get: (label, roles, now, _project, id) => ({ id, label: label ?? 'bench', roles: roles ?? 'admin', updated_at: now }) }
  : statement
const expected = `Bearer ${process.env.API_KEY}`

const app = Fastify({ logger: false })
app.patch('/project/:id/key/:key_id', { schema: { params: UpdateApiKeyParamsSchema, body: UpdateApiKeyBodySchema, response: { 200: UpdateApiKeyResponse200Schema } } }, async (request, reply) => {
  if (request.headers.authorization !== expected) return reply.code(401).send({ error: 'unauthorized', message: 'bad key' })
  const row = update.get(request.body.label ?? null, request.body.roles ?? null, Date.now(), request.params.id, request.params.key_id)
  if (row === undefined) return reply.code(404).send({ error: 'not found' })
  return { key: { id: row.id, label: row.label, roles: row.roles, updated_at: new Date(row.updated_at).toISOString() } }
})
app.get('/ready', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
process.once('SIGTERM', () => { app.close().then(() => { db.close(); process.exit(0) }) })
