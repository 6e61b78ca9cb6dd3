import type { SqlDatabase } from '../db/sql.ts';

/** IN lists stay well under both engines' parameter limits (SQLite 32766, PostgreSQL 65535). */
const IN_CHUNK = 500;

/**
 * Which objects each repository's remote holds. Bytes are shared, content-addressed, in the
 * BlobStore; this index is what makes access per repository: an object is in a repo's remote
 * only once someone with write access to that repo uploaded its bytes there, so knowing a hash
 * never reads another repository's data. An entry is written after the blob is durable.
 * The table is the accounts feature's (`await migrateAccounts(sql)` first).
 */
export function makeObjectIndex(sql: SqlDatabase) {
  return {
    async get(repoId: number, oid: string): Promise<{ size: number } | null> {
      return (
        (await sql.get<{ size: number }>('SELECT size FROM dvc_objects WHERE repo_id = ? AND oid = ?', [
          repoId,
          oid,
        ])) ?? null
      );
    },
    async add(repoId: number, oid: string, size: number): Promise<void> {
      await sql.run(
        'INSERT INTO dvc_objects (repo_id, oid, size, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (repo_id, oid) DO NOTHING',
        [repoId, oid, size, Date.now()],
      );
    },
    /** The oids of `oids` the repo lacks, in the order given (duplicates once). */
    async missing(repoId: number, oids: readonly string[]): Promise<string[]> {
      const unique = [...new Set(oids)];
      const present = new Set<string>();
      for (let i = 0; i < unique.length; i += IN_CHUNK) {
        const chunk = unique.slice(i, i + IN_CHUNK);
        const rows = await sql.all<{ oid: string }>(
          `SELECT oid FROM dvc_objects WHERE repo_id = ? AND oid IN (${chunk.map(() => '?').join(',')})`,
          [repoId, ...chunk],
        );
        for (const r of rows) present.add(r.oid);
      }
      return unique.filter((o) => !present.has(o));
    },
    async count(repoId: number): Promise<number> {
      return (
        (await sql.get<{ n: number }>('SELECT count(*) AS n FROM dvc_objects WHERE repo_id = ?', [repoId])) as {
          n: number;
        }
      ).n;
    },
  };
}

export type ObjectIndex = ReturnType<typeof makeObjectIndex>;
