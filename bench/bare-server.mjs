// The ceiling: a bare Fastify process answering the same fixed JSON a PATCH answers, nothing else.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
const body = { key: { id: 'key_0', label: 'bench', roles: 'admin', updated_at: '2030-01-01T00:00:00.000Z' } }
app.patch('/project/:id/key/:key_id', async () => body)
app.get('/ready', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const address = app.server.address()
process.stdout.write(`bare fastify listening on http://127.0.0.1:${address.port}\n`)
process.once('SIGTERM', () => { app.close().then(() => process.exit(0)) })
