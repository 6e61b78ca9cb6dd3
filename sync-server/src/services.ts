import { migrateAccounts } from './accounts/schema.ts';
import { makeAuditLog, migrateAuditLog } from './audit/audit-log.ts';
import { makeAccess } from './auth/access.ts';
import { makeSignInLimits, signInLimitSettingsFromEnv } from './auth/sign-in-limits.ts';
import { makeBlobStores } from './blobs/shared-store.ts';
import { settingsFromEnv } from './config.ts';
import type { ServerContext, Services } from './context.ts';
import { makeDbLocks } from './db/db-locks.ts';
import { makeMlflowStores } from './mlflow/feature.ts';
import { makeImporter } from './repos/import.ts';
import { migrateRepoRedirects } from './repos/repo-lifecycle.ts';
import { makeRepoStore } from './repos/store.ts';

/**
 * The shared parts of a server (context.ts `Services`), each built once: the composition root
 * (cairn.ts) calls this once per server; tests of a feature call it for their own context.
 * Each store makes the tables it reads (some migrate asynchronously, hence the promise).
 */
export async function makeServices(ctx: ServerContext): Promise<Services> {
  // The tables the shared stores read, made (or upgraded) before any store is built.
  await migrateAccounts(ctx.sql);
  await migrateRepoRedirects(ctx.sql);
  await migrateAuditLog(ctx.sql);
  const repos = makeRepoStore(ctx.sql);
  const signInLimits = makeSignInLimits(ctx.sql, signInLimitSettingsFromEnv(ctx.config.env));
  const audit = makeAuditLog(ctx.sql);
  const locks = makeDbLocks(ctx.sql);
  return {
    ctx,
    settings: settingsFromEnv(ctx.config.env),
    repos,
    signInLimits,
    audit,
    access: makeAccess(ctx, { repos, signInLimits, audit }),
    ...makeBlobStores(ctx.config.dataDir, ctx.config.blobs),
    importer: makeImporter(ctx, locks),
    mlflow: await makeMlflowStores(ctx.sql),
    locks,
  };
}
