import { migrateAccounts } from '../accounts/schema.ts';
import { migrateAuditLog } from '../audit/audit-log.ts';
import { migrateSignInLimits } from '../auth/sign-in-limits.ts';
import type { SqlDatabase } from '../db/sql.ts';
import { migrateDemoSeed } from '../demo/demo-feature.ts';
import { migrateRegistry } from '../mlflow/registry/schema.ts';
import { migrateMlflow } from '../mlflow/schema.ts';
import { migrateRepoRedirects } from '../repos/repo-lifecycle.ts';
import { makeSqlYjsStore } from '../yjs/store.ts';

/**
 * Makes every table the server keeps, with the same versioned migrations a starting server runs
 * (each feature's own list, migrate-sql.ts), for `cairn-server migrate` to fill a new PostgreSQL
 * database before the server ever started on it. A feature that adds a table adds its
 * migration here too: `migrate` refuses to run when the SQLite source has a table this did not
 * make (ops/migrate.ts), so a missing line shows up as a clear error, not as lost rows.
 */
export async function migrateEverySchema(sql: SqlDatabase): Promise<void> {
  await migrateAccounts(sql);
  await migrateRepoRedirects(sql);
  await migrateAuditLog(sql);
  await migrateSignInLimits(sql);
  await migrateMlflow(sql);
  await migrateRegistry(sql);
  await migrateDemoSeed(sql);
  // The Yjs store makes its tables on first use; a read waits for that and changes nothing.
  await makeSqlYjsStore(sql).load('cairn-migrate-schema-probe');
}
