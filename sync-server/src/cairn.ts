import { accountsFeature } from './accounts/feature.ts';
import { auditFeature } from './audit/audit-feature.ts';
import { signInGuardFeature } from './auth/sign-in-guard.ts';
import type { ServerConfig } from './config.ts';
import { makeContext } from './context.ts';
import { demoFeature } from './demo/demo-feature.ts';
import { dvcRemoteFeature } from './dvc-remote/feature.ts';
import { gitFeature } from './git/feature.ts';
import { makeLogger } from './log.ts';
import { mlflowFeature } from './mlflow/feature.ts';
import { repoLifecycleFeature } from './repos/repo-lifecycle-feature.ts';
import { runsFeedFeature } from './runs-feed/feature.ts';
import { type CairnServer, type Route, startServer, type UpgradeRoute } from './server.ts';
import { yjsFeature } from './yjs/yjs-feature.ts';

/**
 * A server feature (accounts, git, DVC remote, MLflow, Yjs, …): given the shared context it
 * returns its HTTP routes, upgrade routes and cleanup. Features are mounted in the order of
 * FEATURES; each owns its own folder under src/.
 */
export interface Feature {
  name: string;
  routes?: Route[];
  upgrades?: UpgradeRoute[];
  /** Work after the server listens (seeding, background sync loops). */
  start?(server: CairnServer): Promise<void> | void;
  close?(): Promise<void> | void;
}

type FeatureFactory = (ctx: ReturnType<typeof makeContext>) => Feature | Promise<Feature>;

const FEATURES: FeatureFactory[] = [
  // First: refuses password attempts of locked accounts and addresses before any route hashes one.
  signInGuardFeature,
  // Before the accounts API and the git/DVC/MLflow routes: delete, rename, and old names' redirects.
  repoLifecycleFeature,
  accountsFeature,
  auditFeature,
  gitFeature,
  dvcRemoteFeature,
  yjsFeature,
  mlflowFeature,
  runsFeedFeature,
  // Last: it seeds through the stores of the features above, after the server listens.
  demoFeature,
];

/**
 * Assembles the whole product server from its features and starts it. `npm start` and the
 * integration tests both come through here, so tests exercise exactly what users run.
 */
export async function startCairn(config: ServerConfig): Promise<CairnServer> {
  const log = makeLogger(config.logLevel);
  const ctx = makeContext(config, log);
  const features: Feature[] = [];
  for (const make of FEATURES) features.push(await make(ctx));
  const server = await startServer(
    config,
    {
      routes: features.flatMap((f) => f.routes ?? []),
      upgrades: features.flatMap((f) => f.upgrades ?? []),
      onClose: [
        ...features.map((f) => () => f.close?.()),
        () => {
          ctx.db.close();
        },
      ],
    },
    log,
  );
  for (const f of features) await f.start?.(server);
  return server;
}
