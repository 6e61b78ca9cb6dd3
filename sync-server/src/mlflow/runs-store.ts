import { randomBytes } from 'node:crypto';
import {
  compileRunFilter,
  type FilterNode,
  isLaterPoint,
  type MetricPoint,
  type MetricSummary,
  type OrderBy,
  type Run,
  type RunStatus,
  sortRuns,
} from '@cairn/core';
import type { Db } from '../db/database.ts';
import { invalid, notFound } from './errors.ts';
import type { ExperimentStore } from './experiments-store.ts';
import { generateRunName } from './run-names.ts';
import { stageMatches, type ViewType } from './validate.ts';

/**
 * Runs of each repository's MLflow namespace, read back as the core run model. Every change to
 * a run — create, update, delete, restore, a new param, tag or metric point — happens in one
 * transaction with a bump of the repository's sequence into `mlflow_runs.seq`; a write that
 * changes nothing (a param re-logged with its value, a metric point already stored) leaves the
 * sequence alone, which is what makes offline re-uploads idempotent.
 */

interface RunRow {
  run_id: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  lifecycle_stage: 'active' | 'deleted';
  artifact_uri: string;
  seq: number;
}

interface LatestRow {
  run_id: string;
  key: string;
  value: number;
  is_nan: number;
  step: number;
  timestamp: number;
  min: number | null;
  max: number | null;
  count: number;
}

export interface BatchInput {
  metrics: MetricPoint[];
  params: Array<[string, string]>;
  tags: Array<[string, string]>;
}

export interface NewRun {
  /** Client-made id (offline uploads); a fresh one otherwise. */
  runId?: string;
  experimentId: number;
  userId: string;
  runName: string | undefined;
  startTime: number;
  tags: Array<[string, string]>;
}

export interface RunSearch {
  experimentIds: number[];
  view: ViewType;
  filter: FilterNode | null;
  orderBy: OrderBy[];
  maxResults: number;
  offset: number;
}

const CHUNK = 500;

export function makeRunStore(db: Db, experiments: ExperimentStore) {
  const bumpSeq = db.prepare(
    `INSERT INTO mlflow_repo_seq (repo_id, seq) VALUES (?, 1)
     ON CONFLICT (repo_id) DO UPDATE SET seq = seq + 1 RETURNING seq`,
  );
  const setRunSeq = db.prepare('UPDATE mlflow_runs SET seq = ? WHERE repo_id = ? AND run_id = ?');
  const runRow = db.prepare('SELECT * FROM mlflow_runs WHERE repo_id = ? AND run_id = ?');
  const paramOf = db.prepare('SELECT value FROM mlflow_params WHERE repo_id = ? AND run_id = ? AND key = ?');
  const insertParam = db.prepare('INSERT INTO mlflow_params (repo_id, run_id, key, value) VALUES (?, ?, ?, ?)');
  const tagOf = db.prepare('SELECT value FROM mlflow_tags WHERE repo_id = ? AND run_id = ? AND key = ?');
  const upsertTag = db.prepare(
    `INSERT INTO mlflow_tags (repo_id, run_id, key, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (repo_id, run_id, key) DO UPDATE SET value = excluded.value`,
  );
  const deleteTagStmt = db.prepare('DELETE FROM mlflow_tags WHERE repo_id = ? AND run_id = ? AND key = ?');
  const insertMetric = db.prepare(
    'INSERT OR IGNORE INTO mlflow_metrics (repo_id, run_id, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const latestOf = db.prepare('SELECT * FROM mlflow_latest_metrics WHERE repo_id = ? AND run_id = ? AND key = ?');
  const upsertLatest = db.prepare(
    `INSERT INTO mlflow_latest_metrics (repo_id, run_id, key, value, is_nan, step, timestamp, min, max, count)
     VALUES (@repo, @run, @key, @value, @isNan, @step, @timestamp, @min, @max, @count)
     ON CONFLICT (repo_id, run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
       step = excluded.step, timestamp = excluded.timestamp, min = excluded.min, max = excluded.max, count = excluded.count`,
  );

  function changed(repoId: number, runId: string): number {
    const { seq } = bumpSeq.get(repoId) as { seq: number };
    setRunSeq.run(seq, repoId, runId);
    return seq;
  }

  function row(repoId: number, runId: string): RunRow {
    const r = runRow.get(repoId, runId) as RunRow | undefined;
    if (!r) throw notFound(`Run with id=${runId} not found`);
    return r;
  }

  function activeRow(repoId: number, runId: string): RunRow {
    const r = row(repoId, runId);
    if (r.lifecycle_stage !== 'active') {
      throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${r.lifecycle_stage}.`);
    }
    return r;
  }

  /** Adds one metric point; false when the identical point was already stored. */
  function addMetric(repoId: number, runId: string, p: MetricPoint): boolean {
    const isNan = Number.isNaN(p.value);
    const stored = isNan ? 0 : p.value;
    if (insertMetric.run(repoId, runId, p.key, p.step, p.timestamp, stored, isNan ? 1 : 0).changes === 0) return false;
    const cur = latestOf.get(repoId, runId, p.key) as LatestRow | undefined;
    const next = {
      repo: repoId,
      run: runId,
      key: p.key,
      value: stored,
      isNan: isNan ? 1 : 0,
      step: p.step,
      timestamp: p.timestamp,
      min: isNan ? null : p.value,
      max: isNan ? null : p.value,
      count: 1,
    };
    if (cur) {
      const curValue = cur.is_nan ? Number.NaN : cur.value;
      if (!isLaterPoint(p, { value: curValue, step: cur.step, timestamp: cur.timestamp })) {
        next.value = cur.value;
        next.isNan = cur.is_nan;
        next.step = cur.step;
        next.timestamp = cur.timestamp;
      }
      next.min = minOf(cur.min, next.min);
      next.max = maxOf(cur.max, next.max);
      next.count = cur.count + 1;
    }
    upsertLatest.run(next);
    return true;
  }

  /** Params (immutable), tags and metric points; true when anything was new. */
  function applyBatch(repoId: number, runId: string, batch: BatchInput): boolean {
    let any = false;
    const seenParams = new Map<string, string>();
    for (const [key, value] of batch.params) {
      const earlier = seenParams.get(key);
      if (earlier !== undefined && earlier !== value) {
        throw invalid(
          `Duplicate parameter keys have been submitted: key='${key}' is given with values '${earlier}' and '${value}'.`,
        );
      }
      seenParams.set(key, value);
      const existing = paramOf.get(repoId, runId, key) as { value: string } | undefined;
      if (existing) {
        if (existing.value !== value) {
          throw invalid(
            `Changing param values is not allowed. Param with key='${key}' was already logged with value='${existing.value}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
          );
        }
        continue;
      }
      insertParam.run(repoId, runId, key, value);
      any = true;
    }
    // A key given twice in one batch takes its last value (MLflow's rule); only that one is
    // compared, so re-sending the batch changes nothing.
    for (const [key, value] of new Map(batch.tags)) {
      const existing = tagOf.get(repoId, runId, key) as { value: string } | undefined;
      if (existing?.value === value) continue;
      upsertTag.run(repoId, runId, key, value);
      any = true;
    }
    for (const p of batch.metrics) if (addMetric(repoId, runId, p)) any = true;
    return any;
  }

  /** Turns run rows into core runs, with params, tags and metric summaries. */
  function hydrate(repoId: number, rows: RunRow[]): Run[] {
    const params = new Map<string, Array<[string, string]>>();
    const tags = new Map<string, Array<[string, string]>>();
    const summaries = new Map<string, Array<[string, MetricSummary]>>();
    const push = <V>(m: Map<string, Array<[string, V]>>, id: string, entry: [string, V]) => {
      const list = m.get(id) ?? [];
      list.push(entry);
      m.set(id, list);
    };
    for (let i = 0; i < rows.length; i += CHUNK) {
      const ids = rows.slice(i, i + CHUNK).map((r) => r.run_id);
      const marks = ids.map(() => '?').join(',');
      for (const p of db
        .prepare(`SELECT run_id, key, value FROM mlflow_params WHERE repo_id = ? AND run_id IN (${marks})`)
        .all(repoId, ...ids) as Array<{ run_id: string; key: string; value: string }>) {
        push(params, p.run_id, [p.key, p.value]);
      }
      for (const t of db
        .prepare(`SELECT run_id, key, value FROM mlflow_tags WHERE repo_id = ? AND run_id IN (${marks})`)
        .all(repoId, ...ids) as Array<{ run_id: string; key: string; value: string }>) {
        push(tags, t.run_id, [t.key, t.value]);
      }
      for (const m of db
        .prepare(`SELECT * FROM mlflow_latest_metrics WHERE repo_id = ? AND run_id IN (${marks})`)
        .all(repoId, ...ids) as LatestRow[]) {
        push(summaries, m.run_id, [
          m.key,
          {
            last: m.is_nan ? Number.NaN : m.value,
            min: m.min ?? Number.NaN,
            max: m.max ?? Number.NaN,
            step: m.step,
            timestamp: m.timestamp,
            count: m.count,
          },
        ]);
      }
    }
    return rows.map((r) => {
      const metricSummaries = Object.fromEntries(summaries.get(r.run_id) ?? []);
      return {
        id: r.run_id,
        source: { kind: 'mlflow', runId: r.run_id, experimentId: String(r.experiment_id) },
        name: r.name,
        status: r.status,
        lifecycleStage: r.lifecycle_stage,
        startTime: r.start_time,
        endTime: r.end_time,
        userId: r.user_id,
        artifactUri: r.artifact_uri,
        params: Object.fromEntries(params.get(r.run_id) ?? []),
        metrics: Object.fromEntries(Object.entries(metricSummaries).map(([k, s]) => [k, s.last])),
        metricSummaries,
        tags: Object.fromEntries(tags.get(r.run_id) ?? []),
      } satisfies Run;
    });
  }

  /**
   * Runs as last read by searches and the feed, by repository and run id, with the sequence
   * they were read at. Every change to a run moves its sequence, so an entry whose sequence
   * still matches the row is exact. Filled only outside write transactions (a rolled-back
   * write could otherwise leave a run that never existed).
   */
  const cache = new Map<string, { seq: number; run: Run }>();
  const CACHE_MAX = 100_000;

  function hydrateCached(repoId: number, rows: RunRow[]): Run[] {
    const out: Array<Run | undefined> = rows.map((r) => {
      const hit = cache.get(`${repoId}\0${r.run_id}`);
      return hit && hit.seq === r.seq ? hit.run : undefined;
    });
    const missing = rows.filter((_, i) => out[i] === undefined);
    if (missing.length > 0) {
      if (cache.size + missing.length > CACHE_MAX) cache.clear();
      const fresh = hydrate(repoId, missing);
      let k = 0;
      for (let i = 0; i < rows.length; i++) {
        if (out[i] !== undefined) continue;
        const run = fresh[k++]!;
        out[i] = run;
        cache.set(`${repoId}\0${rows[i]!.run_id}`, { seq: rows[i]!.seq, run });
      }
    }
    return out as Run[];
  }

  const store = {
    create(repoId: number, spec: NewRun): Run {
      return db.transaction(() => {
        const exp = experiments.get(repoId, spec.experimentId);
        if (exp.lifecycleStage !== 'active') {
          throw invalid(
            `The experiment ${exp.id} must be in the 'active' state. Current state is ${exp.lifecycleStage}.`,
          );
        }
        const runId = spec.runId ?? randomBytes(16).toString('hex');
        if (runRow.get(repoId, runId)) throw invalid(`A run with id ${runId} already exists.`);
        const tags = new Map(spec.tags);
        const name = spec.runName || tags.get('mlflow.runName') || generateRunName();
        tags.set('mlflow.runName', name);
        const userId = spec.userId || tags.get('mlflow.user') || '';
        const base = exp.artifactLocation.replace(/\/+$/, '');
        db.prepare(
          `INSERT INTO mlflow_runs (repo_id, run_id, experiment_id, name, user_id, status, start_time, end_time,
             lifecycle_stage, artifact_uri, seq) VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, NULL, 'active', ?, 0)`,
        ).run(repoId, runId, exp.id, name, userId, spec.startTime, `${base}/${runId}/artifacts`);
        applyBatch(repoId, runId, { metrics: [], params: [], tags: [...tags] });
        changed(repoId, runId);
        return store.get(repoId, runId);
      })();
    },

    get(repoId: number, runId: string): Run {
      return hydrate(repoId, [row(repoId, runId)])[0]!;
    },

    exists(repoId: number, runId: string): boolean {
      return runRow.get(repoId, runId) !== undefined;
    },

    update(repoId: number, runId: string, u: { status?: RunStatus; endTime?: number; runName?: string }): Run {
      return db.transaction(() => {
        const r = activeRow(repoId, runId);
        let any = false;
        const status = u.status ?? r.status;
        const endTime = u.endTime ?? r.end_time;
        const name = u.runName ?? r.name;
        if (status !== r.status || endTime !== r.end_time || name !== r.name) {
          db.prepare('UPDATE mlflow_runs SET status = ?, end_time = ?, name = ? WHERE repo_id = ? AND run_id = ?').run(
            status,
            endTime,
            name,
            repoId,
            runId,
          );
          any = true;
        }
        if (
          u.runName !== undefined &&
          applyBatch(repoId, runId, { metrics: [], params: [], tags: [['mlflow.runName', name]] })
        ) {
          any = true;
        }
        if (any) changed(repoId, runId);
        return store.get(repoId, runId);
      })();
    },

    setStage(repoId: number, runId: string, stage: 'active' | 'deleted'): void {
      db.transaction(() => {
        const r = row(repoId, runId);
        if (r.lifecycle_stage === stage) return;
        db.prepare('UPDATE mlflow_runs SET lifecycle_stage = ?, deleted_time = ? WHERE repo_id = ? AND run_id = ?').run(
          stage,
          stage === 'deleted' ? Date.now() : null,
          repoId,
          runId,
        );
        changed(repoId, runId);
      })();
    },

    /** Deletes or restores every run of an experiment (with the experiment, as MLflow does). */
    setExperimentRunsStage(repoId: number, experimentId: number, stage: 'active' | 'deleted'): void {
      db.transaction(() => {
        const ids = db
          .prepare('SELECT run_id FROM mlflow_runs WHERE repo_id = ? AND experiment_id = ? AND lifecycle_stage != ?')
          .all(repoId, experimentId, stage) as Array<{ run_id: string }>;
        for (const { run_id } of ids) store.setStage(repoId, run_id, stage);
      })();
    },

    logBatch(repoId: number, runId: string, batch: BatchInput): void {
      db.transaction(() => {
        activeRow(repoId, runId);
        if (applyBatch(repoId, runId, batch)) changed(repoId, runId);
      })();
    },

    deleteTag(repoId: number, runId: string, key: string): void {
      db.transaction(() => {
        activeRow(repoId, runId);
        if (deleteTagStmt.run(repoId, runId, key).changes === 0) {
          throw notFound(`No tag with name: ${key} in run with id ${runId}`);
        }
        changed(repoId, runId);
      })();
    },

    /** A metric's history, by step then timestamp; `limit` null = all. */
    history(repoId: number, runId: string, key: string, offset: number, limit: number | null): MetricPoint[] {
      row(repoId, runId);
      const rows = db
        .prepare(
          `SELECT key, value, is_nan, timestamp, step FROM mlflow_metrics WHERE repo_id = ? AND run_id = ? AND key = ?
           ORDER BY step, timestamp, value LIMIT ? OFFSET ?`,
        )
        .all(repoId, runId, key, limit ?? -1, offset) as Array<MetricPoint & { is_nan: number }>;
      return rows.map((r) => ({
        key: r.key,
        value: r.is_nan ? Number.NaN : r.value,
        timestamp: r.timestamp,
        step: r.step,
      }));
    },

    /** MLflow's search_runs: view type, filter, order (with its tie-breakers) and offset paging. */
    search(repoId: number, q: RunSearch): { runs: Run[]; nextOffset: number | null } {
      if (q.experimentIds.length === 0) return { runs: [], nextOffset: null };
      const marks = q.experimentIds.map(() => '?').join(',');
      const rows = db
        .prepare(`SELECT * FROM mlflow_runs WHERE repo_id = ? AND experiment_id IN (${marks})`)
        .all(repoId, ...q.experimentIds) as RunRow[];
      const keep = compileRunFilter(q.filter);
      const matched = sortRuns(
        hydrateCached(
          repoId,
          rows.filter((r) => stageMatches(q.view, r.lifecycle_stage)),
        ).filter(keep),
        q.orderBy,
      );
      const end = q.offset + q.maxResults;
      return { runs: matched.slice(q.offset, end), nextOffset: end < matched.length ? end : null };
    },

    /** The run feed: runs changed after `since`, oldest change first. */
    changedSince(
      repoId: number,
      since: number,
      limit: number,
    ): { runs: Run[]; seqs: number[]; more: boolean; remaining: number } {
      const rows = db
        .prepare('SELECT * FROM mlflow_runs WHERE repo_id = ? AND seq > ? ORDER BY seq LIMIT ?')
        .all(repoId, since, limit + 1) as RunRow[];
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      // How many changed runs come after this page (a count over the seq index), for progress.
      const remaining = more
        ? (
            db
              .prepare('SELECT COUNT(*) AS n FROM mlflow_runs WHERE repo_id = ? AND seq > ?')
              .get(repoId, page[page.length - 1]!.seq) as { n: number }
          ).n
        : 0;
      return { runs: hydrateCached(repoId, page), seqs: page.map((r) => r.seq), more, remaining };
    },

    currentSeq(repoId: number): number {
      const r = db.prepare('SELECT seq FROM mlflow_repo_seq WHERE repo_id = ?').get(repoId) as
        | { seq: number }
        | undefined;
      return r?.seq ?? 0;
    },

    /**
     * Creates or merges a run made offline with a client id, in one transaction, answering
     * what happened. Re-sending the same run changes nothing (and bumps no sequence).
     */
    upsertOffline(
      repoId: number,
      run: {
        id: string;
        experimentId: number;
        name: string | undefined;
        userId: string;
        status: RunStatus;
        startTime: number;
        endTime: number | null;
      } & BatchInput,
    ): 'created' | 'updated' | 'unchanged' {
      return db.transaction(() => {
        const existing = runRow.get(repoId, run.id) as RunRow | undefined;
        if (!existing) {
          store.create(repoId, {
            runId: run.id,
            experimentId: run.experimentId,
            userId: run.userId,
            runName: run.name,
            startTime: run.startTime,
            tags: run.tags,
          });
          applyBatch(repoId, run.id, { ...run, tags: [] });
          db.prepare('UPDATE mlflow_runs SET status = ?, end_time = ? WHERE repo_id = ? AND run_id = ?').run(
            run.status,
            run.endTime,
            repoId,
            run.id,
          );
          changed(repoId, run.id);
          return 'created';
        }
        if (existing.experiment_id !== run.experimentId) {
          throw invalid(
            `Run ${run.id} already exists in experiment ${existing.experiment_id}, not ${run.experimentId}.`,
          );
        }
        let any = applyBatch(repoId, run.id, run);
        const endTime = run.endTime ?? existing.end_time;
        const name = run.name ?? existing.name;
        if (existing.status !== run.status || existing.end_time !== endTime || existing.name !== name) {
          db.prepare('UPDATE mlflow_runs SET status = ?, end_time = ?, name = ? WHERE repo_id = ? AND run_id = ?').run(
            run.status,
            endTime,
            name,
            repoId,
            run.id,
          );
          if (name !== existing.name)
            applyBatch(repoId, run.id, { metrics: [], params: [], tags: [['mlflow.runName', name]] });
          any = true;
        }
        if (any) changed(repoId, run.id);
        return any ? 'updated' : 'unchanged';
      })();
    },
  };
  return store;
}

export type RunStore = ReturnType<typeof makeRunStore>;

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
