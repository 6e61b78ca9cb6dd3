import { isValidRepoName } from '@cairn/core/names';
import { migrateAccounts } from '../accounts/schema.ts';
import type { Db } from '../db/database.ts';
import { HttpError } from '../http/http-error.ts';

/**
 * Repositories, their visibility and collaborators in SQLite (tables owned by the accounts
 * migrations). Pure metadata: the bare git folder is made by repos/create.ts.
 */

export type Permission = 'read' | 'write' | 'admin';

export interface RepoRow {
  id: number;
  owner: string;
  ownerId: number;
  name: string;
  isPrivate: boolean;
  description: string;
  createdAt: number;
}

interface Row {
  id: number;
  owner: string;
  owner_id: number;
  name: string;
  is_private: number;
  description: string;
  created_at: number;
}

const toRepo = (r: Row): RepoRow => ({
  id: r.id,
  owner: r.owner,
  ownerId: r.owner_id,
  name: r.name,
  isPrivate: r.is_private === 1,
  description: r.description,
  createdAt: r.created_at,
});

const SELECT = `SELECT r.id, u.username AS owner, r.owner_id, r.name, r.is_private, r.description, r.created_at
  FROM repositories r JOIN users u ON u.id = r.owner_id`;

export const PERMISSION_RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

export function makeRepoStore(db: Db) {
  migrateAccounts(db);
  const find = db.prepare(`${SELECT} WHERE u.username = ? AND r.name = ?`);
  const collab = db.prepare('SELECT permission FROM collaborators WHERE repo_id = ? AND user_id = ?');

  return {
    find(owner: string, name: string): RepoRow | null {
      const r = find.get(owner, name) as Row | undefined;
      return r ? toRepo(r) : null;
    },
    create(ownerId: number, name: string, isPrivate: boolean, description = ''): RepoRow {
      if (!isValidRepoName(name)) {
        throw new HttpError(
          'invalid_name',
          400,
          `The repository name ${JSON.stringify(name.slice(0, 80))} is not allowed: use letters, digits, '.', '_' and '-' (no '..', not ending in .git/.dvc/.mlflow, at most 100 characters).`,
        );
      }
      const exists = db.prepare('SELECT 1 FROM repositories WHERE owner_id = ? AND name = ?').get(ownerId, name);
      if (exists) throw new HttpError('name_taken', 409, `A repository named ${name} already exists.`);
      const info = db
        .prepare(
          'INSERT INTO repositories (owner_id, name, is_private, description, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(ownerId, name, isPrivate ? 1 : 0, description.slice(0, 1000), Date.now());
      return toRepo(db.prepare(`${SELECT} WHERE r.id = ?`).get(Number(info.lastInsertRowid)) as Row);
    },
    remove(repoId: number): void {
      db.prepare('DELETE FROM repositories WHERE id = ?').run(repoId);
    },
    setPrivate(repoId: number, isPrivate: boolean): void {
      db.prepare('UPDATE repositories SET is_private = ? WHERE id = ?').run(isPrivate ? 1 : 0, repoId);
    },
    /** Repositories `userId` may read (all for a site admin; public ones for anyone, userId null). */
    listVisible(userId: number | null, isAdmin: boolean): RepoRow[] {
      if (isAdmin) return (db.prepare(`${SELECT} ORDER BY u.username, r.name`).all() as Row[]).map(toRepo);
      const rows = db
        .prepare(
          `${SELECT} WHERE r.is_private = 0 OR r.owner_id = ?
           OR EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = r.id AND c.user_id = ?)
           ORDER BY u.username, r.name`,
        )
        .all(userId ?? -1, userId ?? -1) as Row[];
      return rows.map(toRepo);
    },
    /** What `userId` may do in `repo` by ownership or collaboration (not counting public reads). */
    grantOf(repo: RepoRow, userId: number): Permission | null {
      if (repo.ownerId === userId) return 'admin';
      const r = collab.get(repo.id, userId) as { permission: Permission } | undefined;
      return r?.permission ?? null;
    },
    listCollaborators(repoId: number): Array<{ username: string; permission: Permission }> {
      return db
        .prepare(
          `SELECT u.username, c.permission FROM collaborators c JOIN users u ON u.id = c.user_id
           WHERE c.repo_id = ? ORDER BY u.username`,
        )
        .all(repoId) as Array<{ username: string; permission: Permission }>;
    },
    setCollaborator(repoId: number, userId: number, permission: Permission): void {
      db.prepare(
        `INSERT INTO collaborators (repo_id, user_id, permission) VALUES (?, ?, ?)
         ON CONFLICT (repo_id, user_id) DO UPDATE SET permission = excluded.permission`,
      ).run(repoId, userId, permission);
    },
    removeCollaborator(repoId: number, userId: number): boolean {
      return (
        db.prepare('DELETE FROM collaborators WHERE repo_id = ? AND user_id = ?').run(repoId, userId).changes === 1
      );
    },
  };
}

export type RepoStore = ReturnType<typeof makeRepoStore>;
