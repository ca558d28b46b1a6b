// WORKERS evaluation only: one server process per worker on one port and one WAL file.
// The primary opens the database in WAL mode before forking, so no worker races to switch it.
import cluster from 'node:cluster'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../dist/src/db/database.js'
import { migrate, readMigrations } from '../dist/src/db/migrate.js'
import { migrationsDir } from '../dist/src/paths.js'

const workers = Number(process.env.WORKERS ?? 2)
const db = openDatabase(process.env.DATABASE_PATH)
migrate(db, readMigrations(migrationsDir))
db.close()
cluster.setupPrimary({ exec: fileURLToPath(new URL('../dist/src/cli.js', import.meta.url)), args: ['serve'] })
for (let i = 0; i < workers; i++) cluster.fork()
process.once('SIGTERM', () => {
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
  setTimeout(() => process.exit(0), 2000).unref()
  cluster.on('exit', () => { if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0) })
})
