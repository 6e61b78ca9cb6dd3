import { makeAccess } from './auth/access.ts';
import { makeBlobStores } from './blobs/shared-store.ts';
import { settingsFromEnv } from './config.ts';
import type { ServerContext, Services } from './context.ts';
import { makeMlflowStores } from './mlflow/feature.ts';
import { makeImporter } from './repos/import.ts';
import { makeRepoStore } from './repos/store.ts';

/**
 * The shared parts of a server (context.ts `Services`), each built once: the composition root
 * (cairn.ts) calls this once per server; tests of a feature call it for their own context.
 * Each store makes the tables it reads.
 */
export function makeServices(ctx: ServerContext): Services {
  const repos = makeRepoStore(ctx.db);
  return {
    ctx,
    settings: settingsFromEnv(ctx.config.env),
    repos,
    access: makeAccess(ctx, repos),
    ...makeBlobStores(ctx.config.dataDir),
    importer: makeImporter(ctx),
    mlflow: makeMlflowStores(ctx.db),
  };
}
