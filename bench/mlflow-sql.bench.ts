/**
 * The MLflow stores on each database engine (issue 15): `runs/search` over 10,000 runs and
 * `runs/log-batch` throughput, through the MLflow endpoints' handlers (what a request runs,
 * minus HTTP), SQLite (the embedded default, baseline) against PostgreSQL when it is installed.
 * - search, cold: a fresh store (no run cache, as right after a start or on another process):
 *   every run hydrated from the database;
 * - search, warm: the same store again (rows re-read, runs served from the cache by sequence);
 * - log-batch: 20 batches of 1,000 metric points (5 keys × 200 steps) into one run.
 * `BENCH_MLFLOW_RUNS` scales the run count (default 10,000). Seeding writes the tables directly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../sync-server/src/db/database.ts';
import { openPostgres } from '../sync-server/src/db/postgres-sql.ts';
import type { SqlDatabase } from '../sync-server/src/db/sql.ts';
import { sqliteSql } from '../sync-server/src/db/sqlite-sql.ts';
import { makeExperimentStore } from '../sync-server/src/mlflow/experiments-store.ts';
import { makeEndpoints } from '../sync-server/src/mlflow/handlers.ts';
import { makeRunStore } from '../sync-server/src/mlflow/runs-store.ts';
import { migrateMlflow } from '../sync-server/src/mlflow/schema.ts';
import { PG_MISSING_MESSAGE, type PostgresCluster, pgAvailable, startPostgres } from '../test/support/postgres.ts';
import { type Measurement, measure, report } from './lib.ts';
import { SEEDED_SEARCH, seedMlflowRuns } from './mlflow-runs-seed.ts';

const RUNS = Number(process.env.BENCH_MLFLOW_RUNS ?? 10_000);
const BATCHES = 20;
const REPO = 1;

interface Engine {
  name: string;
  open(): Promise<{ sql: SqlDatabase; dispose(): Promise<void> }>;
}

const sqlite: Engine = {
  name: 'sqlite',
  async open() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-mlflow-'));
    const sql = sqliteSql(openDatabase(path.join(dir, 'cairn.db')));
    return {
      sql,
      async dispose() {
        await sql.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A real PostgreSQL cluster (scripts/engines/postgres.sh), as the server would use it. */
const postgres = (cluster: PostgresCluster): Engine => ({
  name: 'postgres',
  async open() {
    const sql = await openPostgres(await cluster.freshDatabase());
    return { sql, dispose: () => sql.close() };
  },
});

interface Figures {
  engine: string;
  seedMs: number;
  cold: Measurement;
  warm: Measurement;
  logBatch: Measurement;
}

const searchInput = SEEDED_SEARCH;

async function benchEngine(engine: Engine): Promise<Figures> {
  const { sql, dispose } = await engine.open();
  try {
    await migrateMlflow(sql);
    const experiments = makeExperimentStore(sql);
    await experiments.ensureDefault(REPO);
    const runs = makeRunStore(sql, experiments);

    // 10,000 runs written straight into the tables in one transaction (the stores' per-run writes
    // are not what is measured here): bench/mlflow-runs-seed.ts, shared with several-processes.
    const t0 = performance.now();
    await seedMlflowRuns(sql, REPO, RUNS);
    const seedMs = performance.now() - t0;

    const search = async (endpoints: ReturnType<typeof makeEndpoints>) => {
      const out = (await endpoints['runs/search']!.handle(REPO, searchInput)) as { runs: unknown[] };
      if (out.runs.length !== 100) throw new Error(`search found ${out.runs.length} runs, expected 100`);
    };
    const cold = await measure(
      `${engine.name}: runs/search, cold (no run cache)`,
      () => search(makeEndpoints(experiments, makeRunStore(sql, experiments))),
      { runs: 5 },
    );
    const warmEndpoints = makeEndpoints(experiments, runs);
    const warm = await measure(`${engine.name}: runs/search, warm (run cache)`, () => search(warmEndpoints), {
      runs: 7,
    });

    const endpoints = makeEndpoints(experiments, runs);
    let round = 0;
    const logBatch = await measure(
      `${engine.name}: ${BATCHES} × runs/log-batch of 1,000 points`,
      async () => {
        const created = (await endpoints['runs/create']!.handle(REPO, { experiment_id: '0', start_time: 1 })) as {
          run: { info: { run_id: string } };
        };
        const runId = created.run.info.run_id;
        round++;
        for (let b = 0; b < BATCHES; b++) {
          const metrics = [];
          for (let step = b * 200; step < (b + 1) * 200; step++)
            for (let k = 0; k < 5; k++)
              metrics.push({ key: `loss${k}`, value: step / (k + 1), timestamp: round, step });
          await endpoints['runs/log-batch']!.handle(REPO, { run_id: runId, metrics });
        }
      },
      { runs: 5 },
    );
    return { engine: engine.name, seedMs, cold, warm, logBatch };
  } finally {
    await dispose();
  }
}

const results: Figures[] = [await benchEngine(sqlite)];
if (pgAvailable()) {
  const cluster = await startPostgres();
  try {
    results.push(await benchEngine(postgres(cluster)));
  } finally {
    await cluster.stop();
  }
}
const base = results[0] as Figures;
const points = BATCHES * 1000;
const perSecond = (m: Measurement) => `${Math.round(points / (m.medianMs / 1000)).toLocaleString('en')} points/s`;
const extra: Record<string, string> = {};
for (const r of results) {
  extra[`${r.engine}: seeding ${RUNS} runs`] = `${(r.seedMs / 1000).toFixed(1)} s`;
  extra[`${r.engine}: log-batch throughput`] = perSecond(r.logBatch);
}
for (const r of results.slice(1)) {
  extra[`${r.engine} / ${base.engine}, search cold`] = `${(r.cold.medianMs / base.cold.medianMs).toFixed(2)}× the time`;
  extra[`${r.engine} / ${base.engine}, search warm`] = `${(r.warm.medianMs / base.warm.medianMs).toFixed(2)}× the time`;
  extra[`${r.engine} / ${base.engine}, log-batch`] =
    `${(r.logBatch.medianMs / base.logBatch.medianMs).toFixed(2)}× the time`;
}
if (results.length === 1) extra.postgres = PG_MISSING_MESSAGE;
report(
  `MLflow stores over ${RUNS.toLocaleString('en')} runs (baseline: ${base.engine} cold search)`,
  base.cold,
  [base.warm, base.logBatch, ...results.slice(1).flatMap((r) => [r.cold, r.warm, r.logBatch])],
  extra,
);
