import type { Db } from '../db/database.js'

export type MemberRole = 'owner' | 'admin' | 'member'

/** Who belongs to which project, and in what role. */
export function createAccessStore (db: Db) {
  const role = db.prepare<[string, string], MemberRole>(
    'SELECT role FROM project_members WHERE project_id = ? AND user_id = ?').pluck()
  const project = db.prepare<[string], 1>('SELECT 1 FROM projects WHERE id = ?').pluck()

  return {
    memberRole: (projectId: string, userId: string): MemberRole | undefined => role.get(projectId, userId),
    projectExists: (projectId: string): boolean => project.get(projectId) !== undefined
  }
}

export type AccessStore = ReturnType<typeof createAccessStore>
