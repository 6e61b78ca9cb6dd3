import type { Access } from '../auth/access.ts';
import type { Services } from '../context.ts';
import type { SqlDatabase } from '../db/sql.ts';
import type { Feature } from '../server.ts';
import { type ExperimentStore, makeExperimentStore } from './experiments-store.ts';
import { makeRegistryEndpoints } from './registry/endpoints.ts';
import { makeRegistryStore, type RegistryStore } from './registry/store.ts';
import { type Authorize, makeMlflowRoute } from './route.ts';
import { makeRunStore, type RunStore } from './runs-store.ts';
import { migrateMlflow } from './schema.ts';

/**
 * mlflow/ — each repository's MLflow tracking server (experiments, runs, params, metrics with
 * history, tags, artifacts, Model Registry), its tables in the server's database (SQLite or
 * PostgreSQL, db/sql.ts) and artifacts in the data folder or the blobs' bucket (artifact-store.ts). The run feed (../runs-feed) reads the
 * same stores.
 */

/** Largest artifact one PUT may upload. */
export const MAX_ARTIFACT_BYTES = 5 * 1024 ** 3;

/**
 * The stores of the MLflow tables, made once by the composition root (after their migrations)
 * and shared with the run feed.
 */
export function makeMlflowStores(sql: SqlDatabase): Promise<MlflowStores> {
  return migrateMlflow(sql).then(async () => {
    const experiments = makeExperimentStore(sql);
    return { experiments, runs: makeRunStore(sql, experiments), registry: await makeRegistryStore(sql) };
  });
}
export interface MlflowStores {
  experiments: ExperimentStore;
  runs: RunStore;
  registry: RegistryStore;
}

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

export function mlflowFeature(services: Services): Feature {
  const { ctx, access, mlflow } = services;
  const { experiments, runs, registry } = mlflow;
  return {
    name: 'mlflow',
    routes: [
      makeMlflowRoute({
        experiments,
        runs,
        artifacts: services.artifacts,
        authorize: makeAuthorize(access),
        log: ctx.log,
        maxArtifactBytes: MAX_ARTIFACT_BYTES,
        registry: makeRegistryEndpoints(registry, runs),
      }),
    ],
  };
}
