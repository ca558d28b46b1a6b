// A benchmark database: projects with an owner and keys, the first key of each project an admin key.
import { generateKeyPairSync } from 'node:crypto'
import { openDatabase } from '../src/db/database.js'
import { migrate, readMigrations } from '../src/db/migrate.js'
import { migrationsDir } from '../src/paths.js'
import { hashApiKey } from '../src/domain/api-key.js'
import { createJwtService } from '../src/domain/jwt.js'
import { fixedSigningKey, MIN_MODULUS_BITS, toSigningKey } from '../src/domain/signing-key.js'
import { createSigningKeyStore } from '../src/stores/signing-keys.js'

export interface BenchProject { id: string, adminSecret: string, keyIds: string[], hs256: string, rs256: string }

export const BENCH_SECRET = 'bench-secret-that-is-at-least-32-bytes-long'

/** Fills a fresh database file; tokens are valid for a day, signed as the server will verify them. */
export function createBenchDatabase (path: string, projects: number, keysPerProject: number): BenchProject[] {
  const db = openDatabase(path)
  try {
    migrate(db, readMigrations(migrationsDir))
    const now = Date.now()
    // The key the server finds in the database on its first RS256 token, as if it had made it.
    const key = toSigningKey(generateKeyPairSync('rsa', { modulusLength: MIN_MODULUS_BITS }).privateKey, 'bench key')
    createSigningKeyStore(db).addIfNone(key.kid, key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, now)
    const jwt = createJwtService({ secret: BENCH_SECRET, signingKey: fixedSigningKey(key) })
    const insertUser = db.prepare('INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?)')
    const insertProject = db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)')
    const insertMember = db.prepare('INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?)')
    const insertKey = db.prepare('INSERT INTO api_keys (id, project_id, label, roles, key_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    const out: BenchProject[] = []
    db.transaction(() => {
      for (let p = 0; p < projects; p++) {
        const id = `proj_${p}`
        const user = `user_${p}`
        insertUser.run(user, `${user}@example.com`, user, now)
        insertProject.run(id, id, now)
        insertMember.run(id, user, 'owner')
        const keyIds: string[] = []
        for (let k = 0; k < keysPerProject; k++) {
          const keyId = `key_${p}_${k}`
          const secret = `basic_key_bench_${p}_${k}_${'0'.repeat(24)}`
          insertKey.run(keyId, id, `Key ${k}`, k === 0 ? 'admin' : 'read', hashApiKey(secret), now, now)
          keyIds.push(keyId)
        }
        out.push({
          id,
          adminSecret: `basic_key_bench_${p}_0_${'0'.repeat(24)}`,
          keyIds,
          hs256: jwt.sign(user, { expiresIn: 86400 }),
          rs256: jwt.sign(user, { expiresIn: 86400, alg: 'RS256' })
        })
      }
    }).immediate()
    return out
  } finally {
    db.close()
  }
}
