import { accountsFeature } from './accounts/feature.ts';
import { auditFeature } from './audit/audit-feature.ts';
import { signInGuardFeature } from './auth/sign-in-guard.ts';
import type { ServerConfig } from './config.ts';
import { makeContext, type ServerContext, type Services } from './context.ts';
import { holdServingLock } from './db/serving-lock.ts';
import { demoFeature } from './demo/demo-feature.ts';
import { makeDvcRemoteHandler } from './dvc-remote/dvc-remote.ts';
import { dvcRemoteFeature } from './dvc-remote/feature.ts';
import { makeObjectIndex } from './dvc-remote/object-index.ts';
import { gitFeature } from './git/feature.ts';
import { makeLogger } from './log.ts';
import { mlflowFeature } from './mlflow/feature.ts';
import { reposFeature } from './repos/feature.ts';
import { runsFeedFeature } from './runs-feed/feature.ts';
import { type CairnServer, type Feature, startServer } from './server.ts';
import { makeServices } from './services.ts';
import { yjsFeature } from './yjs/yjs-feature.ts';

/**
 * The composition root: builds the server's shared parts once (services.ts) and the features
 * from them, then starts the server. Only the entry points (main.ts, index.ts) import this file.
 */

/** The features in mount order: routes are tried in this order. */
async function makeFeatures(services: Services): Promise<Feature[]> {
  const { ctx, blobs, legacyBlobs, settings, access } = services;
  const dvcRemote = makeDvcRemoteHandler({
    ctx,
    store: blobs,
    legacyStore: legacyBlobs,
    index: makeObjectIndex(ctx.sql),
    settings,
    access,
  });
  return [
    // First: refuses password attempts of locked accounts and addresses before any route hashes one.
    signInGuardFeature(services),
    await accountsFeature(services),
    // Before git, DVC and MLflow: old names of renamed repositories redirect (repos/redirects.ts).
    // The JSON API answers the batch `missing` call too (`/api/v1/repos/O/R/dvc/missing`).
    reposFeature(services, (req, res, repo) => dvcRemote.missing(req, res, repo)),
    auditFeature(services),
    gitFeature(services),
    await dvcRemoteFeature(services, dvcRemote),
    yjsFeature(services),
    mlflowFeature(services),
    runsFeedFeature(services),
    // Last: it seeds through the stores of the features above, after the server listens.
    demoFeature(services),
  ];
}

/**
 * Assembles the whole product server from its features and starts it. `npm start` and the
 * integration tests both come through here, so tests exercise exactly what users run.
 */
export async function startCairn(config: ServerConfig): Promise<CairnServer> {
  const log = makeLogger(config.logLevel);
  // Refused while `cairn-server migrate` copies the folder; tells a later migrate this one runs.
  const folderLock = holdServingLock(config.dataDir);
  let ctx: ServerContext | undefined;
  let server: CairnServer | undefined;
  try {
    ctx = await makeContext(config, log);
    const opened = ctx;
    const features = await makeFeatures(await makeServices(opened));
    server = await startServer(
      config,
      {
        routes: features.flatMap((f) => f.routes ?? []),
        upgrades: features.flatMap((f) => f.upgrades ?? []),
        gauges: features.flatMap((f) => f.gauges ?? []),
        metrics: opened.dbTimings ? [opened.dbTimings] : [],
        onClose: [
          ...features.map((f) => () => f.close?.()),
          async () => {
            await closeDatabases(opened);
            folderLock.release();
          },
        ],
      },
      log,
    );
    for (const f of features) await f.start?.(server);
    return server;
  } catch (err) {
    // A start refused part way (a moved data folder, an unreachable database) leaves nothing open.
    if (server) await server.close().catch(() => {});
    else {
      if (ctx) await closeDatabases(ctx).catch(() => {});
      folderLock.release();
    }
    throw err;
  }
}

async function closeDatabases(ctx: ServerContext): Promise<void> {
  // PostgreSQL's pool; on SQLite the same connection as ctx.db, closed once, there.
  if (ctx.sql.dialect === 'postgres') await ctx.sql.close();
  ctx.db.close();
}
