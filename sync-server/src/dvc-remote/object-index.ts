import { migrateAccounts } from '../accounts/schema.ts';
import type { Db } from '../db/database.ts';

/**
 * Which objects each repository's remote holds. Bytes are shared, content-addressed, in the
 * BlobStore; this index is what makes access per repository: an object is in a repo's remote
 * only once someone with write access to that repo uploaded its bytes there, so knowing a hash
 * never reads another repository's data. An entry is written after the blob is durable.
 */
export function makeObjectIndex(db: Db) {
  migrateAccounts(db);
  const get = db.prepare('SELECT size FROM dvc_objects WHERE repo_id = ? AND oid = ?');
  const add = db.prepare('INSERT OR IGNORE INTO dvc_objects (repo_id, oid, size, created_at) VALUES (?, ?, ?, ?)');
  return {
    get(repoId: number, oid: string): { size: number } | null {
      return (get.get(repoId, oid) as { size: number } | undefined) ?? null;
    },
    add(repoId: number, oid: string, size: number): void {
      add.run(repoId, oid, size, Date.now());
    },
    /** The oids of `oids` the repo lacks, in the order given (duplicates once). */
    missing(repoId: number, oids: readonly string[]): string[] {
      const unique = [...new Set(oids)];
      const present = new Set<string>();
      for (let i = 0; i < unique.length; i += 500) {
        const chunk = unique.slice(i, i + 500);
        const rows = db
          .prepare(`SELECT oid FROM dvc_objects WHERE repo_id = ? AND oid IN (${chunk.map(() => '?').join(',')})`)
          .all(repoId, ...chunk) as Array<{ oid: string }>;
        for (const r of rows) present.add(r.oid);
      }
      return unique.filter((o) => !present.has(o));
    },
    count(repoId: number): number {
      return (db.prepare('SELECT count(*) AS n FROM dvc_objects WHERE repo_id = ?').get(repoId) as { n: number }).n;
    },
  };
}

export type ObjectIndex = ReturnType<typeof makeObjectIndex>;
