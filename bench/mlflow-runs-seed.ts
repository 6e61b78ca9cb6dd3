/**
 * Seeds MLflow runs straight into the tables of a server's database, for benchmarks that measure
 * reads over many runs and not the writes that made them: each run has 4 params (`optimizer` adam
 * for one run in three), 3 tags (its name among them) and 5 metrics `m0`…`m4` in [0, 1), in
 * experiment 0 of `repoId`, in one transaction. The same shape as bench/mlflow-sql.bench.ts's.
 */
import type { SqlDatabase, SqlValue } from '../sync-server/src/db/sql.ts';
import { makeExperimentStore } from '../sync-server/src/mlflow/experiments-store.ts';
import { insertRows } from '../sync-server/src/mlflow/sql-helpers.ts';

/** What the seeded runs answer to: 100 of them for any count from a few hundred up. */
export const SEEDED_SEARCH = {
  experiment_ids: ['0'],
  filter: "metrics.m0 > 0.25 AND params.optimizer = 'adam'",
  order_by: ['metrics.m1 DESC'],
  max_results: 100,
};

export async function seedMlflowRuns(sql: SqlDatabase, repoId: number, count: number): Promise<void> {
  await makeExperimentStore(sql).ensureDefault(repoId);
  const rows = {
    runs: [] as SqlValue[][],
    params: [] as SqlValue[][],
    tags: [] as SqlValue[][],
    latest: [] as SqlValue[][],
    metrics: [] as SqlValue[][],
  };
  for (let i = 0; i < count; i++) {
    const id = `run${String(i).padStart(6, '0')}`;
    rows.runs.push([
      repoId,
      id,
      0,
      `run-${i}`,
      'bench',
      'FINISHED',
      1_700_000_000_000 + i,
      1_700_000_100_000 + i,
      'active',
      `mlflow-artifacts:/0/${id}/artifacts`,
      i + 1,
    ]);
    const params: Array<[string, string]> = [
      ['optimizer', i % 3 === 0 ? 'adam' : 'sgd'],
      ['lr', String((i % 10) / 100)],
      ['batch', String(8 << (i % 4))],
      ['seed', String(i)],
    ];
    for (const [k, v] of params) rows.params.push([repoId, id, k, v]);
    const tags: Array<[string, string]> = [
      ['mlflow.runName', `run-${i}`],
      ['mlflow.user', 'bench'],
      ['team', `t${i % 7}`],
    ];
    for (const [k, v] of tags) rows.tags.push([repoId, id, k, v]);
    for (let k = 0; k < 5; k++) {
      const value = ((i * 7919 + k * 104729) % 1000) / 1000;
      rows.metrics.push([repoId, id, `m${k}`, 0, 1_700_000_000_000 + i, value, 0]);
      rows.latest.push([repoId, id, `m${k}`, value, 0, 0, 1_700_000_000_000 + i, value, value, 1]);
    }
  }
  await sql.transaction(async (tx) => {
    await insertRows(
      tx,
      `INSERT INTO mlflow_runs (repo_id, run_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri, seq)`,
      rows.runs,
    );
    await insertRows(tx, 'INSERT INTO mlflow_params (repo_id, run_id, key, value)', rows.params);
    await insertRows(tx, 'INSERT INTO mlflow_tags (repo_id, run_id, key, value)', rows.tags);
    await insertRows(
      tx,
      'INSERT INTO mlflow_metrics (repo_id, run_id, key, step, timestamp, value, is_nan)',
      rows.metrics,
    );
    await insertRows(
      tx,
      'INSERT INTO mlflow_latest_metrics (repo_id, run_id, key, value, is_nan, step, timestamp, min, max, count)',
      rows.latest,
    );
    await tx.run(
      'INSERT INTO mlflow_repo_seq (repo_id, seq) VALUES (?, ?) ON CONFLICT (repo_id) DO UPDATE SET seq = excluded.seq',
      [repoId, count],
    );
  });
  // Statistics for PostgreSQL's planner, as autovacuum would gather them on a live server.
  if (sql.dialect === 'postgres') await sql.exec('ANALYZE');
}
