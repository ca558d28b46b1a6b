// Users, projects and who belongs to which project in what role.
import type { Db } from '../db/database.js'
import type { MemberRole } from '../domain/credential.js'

export function createMemberStore (db: Db) {
  const role = db.prepare<[string, string], MemberRole>('SELECT role FROM project_members WHERE project_id = ? AND user_id = ?').pluck()
  const project = db.prepare<[string], 1>('SELECT 1 FROM projects WHERE id = ?').pluck()
  const user = db.prepare<[string], 1>('SELECT 1 FROM users WHERE id = ?').pluck()
  const insertUser = db.prepare<[string, string, string, number]>('INSERT INTO users (id, email, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
  const insertProject = db.prepare<[string, string, number]>('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
  const insertMember = db.prepare<[string, string, MemberRole]>('INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
  const projectIds = db.prepare<[number], string>('SELECT id FROM projects ORDER BY id LIMIT ?').pluck()
  const counts = db.prepare<[], { users: number, projects: number }>('SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM projects) AS projects')
  const empty = db.prepare<[], number>('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM projects) + (SELECT count(*) FROM api_keys)').pluck()

  return {
    role: (projectId: string, userId: string): MemberRole | undefined => role.get(projectId, userId),
    projectExists: (projectId: string): boolean => project.get(projectId) !== undefined,
    userExists: (userId: string): boolean => user.get(userId) !== undefined,
    /** Each returns whether a row was added: an existing id is left as it is. */
    addUser: (id: string, email: string, name: string, now: number): boolean => insertUser.run(id, email, name, now).changes === 1,
    addProject: (id: string, name: string, now: number): boolean => insertProject.run(id, name, now).changes === 1,
    addMember: (projectId: string, userId: string, memberRole: MemberRole): boolean => insertMember.run(projectId, userId, memberRole).changes === 1,
    /** The first `limit` project ids, in order: for a message naming what there is. */
    projectIds: (limit: number): string[] => projectIds.all(limit),
    counts: (): { users: number, projects: number } => counts.all()[0]!,
    /** No users, projects or keys: a fresh start. */
    isEmpty: (): boolean => empty.get() === 0
  }
}

export type MemberStore = ReturnType<typeof createMemberStore>
