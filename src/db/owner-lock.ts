// One process serves the namespaces of a database (docs/namespaces-and-faults.md): a drop deletes a namespace's files,
// and a second process holding them open would go on answering from deleted files, its acknowledged writes lost. The
// first process to open a namespace takes an exclusive SQLite lock on a file beside them; the system frees it when
// that process ends, however it ends.
import Database from 'better-sqlite3'

export interface OwnerLock { release: () => void }

/** The lock, or undefined while another process holds it. */
export function takeOwnerLock (path: string): OwnerLock | undefined {
  const db = new Database(path)
  try {
    db.pragma('busy_timeout = 0')
    db.pragma('locking_mode = EXCLUSIVE')
    // The first write takes the lock, and exclusive mode keeps it until the connection closes.
    db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER); DELETE FROM owner')
    db.prepare('INSERT INTO owner (pid) VALUES (?)').run(process.pid)
    return { release: () => { db.close() } }
  } catch (error) {
    db.close()
    if ((error as { code?: string }).code === 'SQLITE_BUSY' || (error as { code?: string }).code === 'SQLITE_LOCKED') return undefined
    throw error
  }
}
