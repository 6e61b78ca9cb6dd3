import { isValidRepoName } from '@cairn/core/names';
import { isUniqueViolation, type SqlDatabase } from '../db/sql.ts';
import { HttpError } from '../http/http-error.ts';

/**
 * Repositories, their visibility and collaborators in SQLite or PostgreSQL (tables owned by the
 * accounts migrations). Pure metadata: the bare git folder is made by repos/create.ts.
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

/** The repositories' store; `await migrateAccounts(sql)` (accounts/schema.ts) must have run first. */
export function makeRepoStore(sql: SqlDatabase) {
  return {
    async find(owner: string, name: string): Promise<RepoRow | null> {
      const r = await sql.get<Row>(`${SELECT} WHERE u.username = ? AND r.name = ?`, [owner, name]);
      return r ? toRepo(r) : null;
    },
    async byId(id: number): Promise<RepoRow | null> {
      const r = await sql.get<Row>(`${SELECT} WHERE r.id = ?`, [id]);
      return r ? toRepo(r) : null;
    },
    async create(ownerId: number, name: string, isPrivate: boolean, description = ''): Promise<RepoRow> {
      if (!isValidRepoName(name)) {
        throw new HttpError(
          'invalid_name',
          400,
          `The repository name ${JSON.stringify(name.slice(0, 80))} is not allowed: use letters, digits, '.', '_' and '-' (no '..', not ending in .git/.dvc/.mlflow, at most 100 characters).`,
        );
      }
      const taken = () => new HttpError('name_taken', 409, `A repository named ${name} already exists.`);
      if (await sql.get('SELECT 1 FROM repositories WHERE owner_id = ? AND name = ?', [ownerId, name])) throw taken();
      // Another request (or process) may take the name between the check and the insert.
      const row = await sql
        .get<{ id: number }>(
          'INSERT INTO repositories (owner_id, name, is_private, description, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
          [ownerId, name, isPrivate ? 1 : 0, description.slice(0, 1000), Date.now()],
        )
        .catch((err: unknown) => {
          throw isUniqueViolation(err) ? taken() : err;
        });
      return toRepo((await sql.get<Row>(`${SELECT} WHERE r.id = ?`, [(row as { id: number }).id])) as Row);
    },
    async remove(repoId: number): Promise<void> {
      await sql.run('DELETE FROM repositories WHERE id = ?', [repoId]);
    },
    async setPrivate(repoId: number, isPrivate: boolean): Promise<void> {
      await sql.run('UPDATE repositories SET is_private = ? WHERE id = ?', [isPrivate ? 1 : 0, repoId]);
    },
    /** Repositories `userId` may read (all for a site admin; public ones for anyone, userId null). */
    async listVisible(userId: number | null, isAdmin: boolean): Promise<RepoRow[]> {
      if (isAdmin) return (await sql.all<Row>(`${SELECT} ORDER BY u.username, r.name`)).map(toRepo);
      const rows = await sql.all<Row>(
        `${SELECT} WHERE r.is_private = 0 OR r.owner_id = ?
         OR EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = r.id AND c.user_id = ?)
         ORDER BY u.username, r.name`,
        [userId ?? -1, userId ?? -1],
      );
      return rows.map(toRepo);
    },
    /** What `userId` may do in `repo` by ownership or collaboration (not counting public reads). */
    async grantOf(repo: RepoRow, userId: number): Promise<Permission | null> {
      if (repo.ownerId === userId) return 'admin';
      const r = await sql.get<{ permission: Permission }>(
        'SELECT permission FROM collaborators WHERE repo_id = ? AND user_id = ?',
        [repo.id, userId],
      );
      return r?.permission ?? null;
    },
    listCollaborators(repoId: number): Promise<Array<{ username: string; permission: Permission }>> {
      return sql.all<{ username: string; permission: Permission }>(
        `SELECT u.username, c.permission FROM collaborators c JOIN users u ON u.id = c.user_id
         WHERE c.repo_id = ? ORDER BY u.username`,
        [repoId],
      );
    },
    async setCollaborator(repoId: number, userId: number, permission: Permission): Promise<void> {
      await sql.run(
        `INSERT INTO collaborators (repo_id, user_id, permission) VALUES (?, ?, ?)
         ON CONFLICT (repo_id, user_id) DO UPDATE SET permission = excluded.permission`,
        [repoId, userId, permission],
      );
    },
    async removeCollaborator(repoId: number, userId: number): Promise<boolean> {
      return (
        (await sql.run('DELETE FROM collaborators WHERE repo_id = ? AND user_id = ?', [repoId, userId])).changes === 1
      );
    },
  };
}

export type RepoStore = ReturnType<typeof makeRepoStore>;
