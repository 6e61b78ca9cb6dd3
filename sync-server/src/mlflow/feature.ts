import type { Access } from '../auth/access.ts';
import type { Services } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { Feature } from '../server.ts';
import { makeArtifactStore } from './artifact-store.ts';
import { makeExperimentStore } from './experiments-store.ts';
import { makeRegistryEndpoints } from './registry/endpoints.ts';
import { makeRegistryStore } from './registry/store.ts';
import { type Authorize, makeMlflowRoute } from './route.ts';
import { makeRunStore } from './runs-store.ts';
import { migrateMlflow } from './schema.ts';

/**
 * mlflow/ — each repository's MLflow tracking server (experiments, runs, params, metrics with
 * history, tags, artifacts), stored in SQLite and the data folder. The run feed
 * (../runs-feed) reads the same stores.
 */

/** Largest artifact one PUT may upload. */
export const MAX_ARTIFACT_BYTES = 5 * 1024 ** 3;

/** The stores of the MLflow tables, made once by the composition root and shared with the run feed. */
export function makeMlflowStores(db: Db) {
  migrateMlflow(db);
  const experiments = makeExperimentStore(db);
  const runs = makeRunStore(db, experiments);
  return { experiments, runs };
}
export type MlflowStores = ReturnType<typeof makeMlflowStores>;

/** The repository-access check every MLflow and run-feed request goes through. */
export function makeAuthorize(access: Access): Authorize {
  return async (req, url, owner, repo, need) => {
    const who = await access.authenticate(req, url);
    if (who && 'invalid' in who) {
      return { ok: false, status: 401, message: 'The user name, password or token is wrong, expired or revoked.' };
    }
    const r = await access.authorizeRepo(who, owner, repo, need);
    return r.ok ? { ok: true, repoId: r.repo.id } : { ok: false, status: r.status, message: r.message };
  };
}

export function mlflowFeature({ ctx, access, mlflow }: Services): Feature {
  const { experiments, runs } = mlflow;
  return {
    name: 'mlflow',
    routes: [
      makeMlflowRoute({
        experiments,
        runs,
        artifacts: makeArtifactStore(ctx.config.dataDir),
        authorize: makeAuthorize(access),
        log: ctx.log,
        maxArtifactBytes: MAX_ARTIFACT_BYTES,
        registry: makeRegistryEndpoints(makeRegistryStore(ctx.db), runs),
      }),
    ],
  };
}
