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
import type { SqlDatabase, SqlQueries, SqlValue } from '../db/sql.ts';
import { invalid, notFound } from './errors.ts';
import type { ExperimentStore } from './experiments-store.ts';
import { generateRunName } from './run-names.ts';
import { groups, inList, insertRows, joinTransaction } from './sql-helpers.ts';
import { stageMatches, type ViewType } from './validate.ts';

/**
 * Runs of each repository's MLflow namespace, read back as the core run model. Every change to
 * a run — create, update, delete, restore, a new param, tag or metric point — happens in one
 * transaction with a bump of the repository's sequence into `mlflow_runs.seq`; a write that
 * changes nothing (a param re-logged with its value, a metric point already stored) leaves the
 * sequence alone, which is what makes offline re-uploads idempotent.
 *
 * Several server processes may share one PostgreSQL database: a write transaction first locks
 * its run's row (`FOR UPDATE`), so read-modify-write of a run (param checks, metric summaries)
 * never interleaves with another process's; the repository's sequence row is locked by its
 * bump until commit, so sequence numbers become visible in order.
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

/**
 * Runs as last read by searches and the feed, by repository and run id, with the sequence
 * they were read at. Every change to a run moves its sequence (in the same transaction), and
 * every read first reads the run's row from the database, so an entry whose sequence still
 * matches the row is exact — also when another server process made the change. A hydration
 * that read newer params than its row's sequence is cached under the older sequence, which
 * the row no longer has once that change committed, so it is never served stale. Filled and
 * read only outside transactions (a rolled-back write could otherwise leave a run that never
 * existed).
 */
interface RunCache {
  entries: Map<string, { seq: number; run: Run }>;
}
const CACHE_MAX = 100_000;

/** PostgreSQL column types of `(repo_id, run_id, key, value)` in params and tags (insertRows). */
const KEY_VALUE_TYPES = ['bigint', 'text', 'text', 'text'];

/** The runs a search or feed page selected, as a condition on `mlflow_runs r` (see `hydrate`). */
interface RunScope {
  where: string;
  params: SqlValue[];
}
/** Above this many runs to hydrate, `hydrate` reads by scope rather than by run id. */
const MAX_LOOKUP = 256;

export function makeRunStore(sql: SqlDatabase, experiments: ExperimentStore): RunStore {
  return new RunStore(sql, experiments, { entries: new Map() }, false);
}

export class RunStore {
  /** ` FOR UPDATE` on PostgreSQL: a write transaction's read of its run row locks it. */
  private readonly lock: string;

  constructor(
    private readonly db: SqlDatabase,
    private readonly experiments: ExperimentStore,
    private readonly cache: RunCache,
    private readonly inTransaction: boolean,
  ) {
    this.lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  }

  /** A copy of this store whose statements run inside `tx` (a caller's open transaction). */
  within(tx: SqlQueries): RunStore {
    return new RunStore(joinTransaction(tx), this.experiments.within(tx), this.cache, true);
  }

  /** `work` in one transaction (or in the caller's, inside `within`), on a copy inside it. */
  private inTx<T>(work: (s: RunStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(this.within(tx)));
  }

  private async changed(repoId: number, runId: string): Promise<number> {
    const { seq } = (await this.db.get<{ seq: number }>(
      `INSERT INTO mlflow_repo_seq (repo_id, seq) VALUES (?, 1)
       ON CONFLICT (repo_id) DO UPDATE SET seq = mlflow_repo_seq.seq + 1 RETURNING seq`,
      [repoId],
    )) as { seq: number };
    await this.db.run('UPDATE mlflow_runs SET seq = ? WHERE repo_id = ? AND run_id = ?', [seq, repoId, runId]);
    return seq;
  }

  private findRow(repoId: number, runId: string, lock = false): Promise<RunRow | undefined> {
    return this.db.get<RunRow>(`SELECT * FROM mlflow_runs WHERE repo_id = ? AND run_id = ?${lock ? this.lock : ''}`, [
      repoId,
      runId,
    ]);
  }

  private async row(repoId: number, runId: string, lock = false): Promise<RunRow> {
    const r = await this.findRow(repoId, runId, lock);
    if (!r) throw notFound(`Run with id=${runId} not found`);
    return r;
  }

  /** The run's row, locked for this transaction; refused unless the run is active. */
  private async activeRow(repoId: number, runId: string): Promise<RunRow> {
    const r = await this.row(repoId, runId, true);
    if (r.lifecycle_stage !== 'active') {
      throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${r.lifecycle_stage}.`);
    }
    return r;
  }

  /**
   * Params (immutable), tags and metric points; true when anything was new. A few statements
   * per batch whatever its size (multi-row, see sql-helpers.ts), not a few per entry.
   */
  private async applyBatch(repoId: number, runId: string, batch: BatchInput): Promise<boolean> {
    const params = await this.newParams(repoId, runId, batch.params);
    if (params.length > 0) {
      await insertRows(this.db, 'INSERT INTO mlflow_params (repo_id, run_id, key, value)', params, '', KEY_VALUE_TYPES);
    }
    const tags = await this.changedTags(repoId, runId, batch.tags);
    if (tags.length > 0) {
      await insertRows(
        this.db,
        'INSERT INTO mlflow_tags (repo_id, run_id, key, value)',
        tags,
        'ON CONFLICT (repo_id, run_id, key) DO UPDATE SET value = excluded.value',
        KEY_VALUE_TYPES,
      );
    }
    const metrics = await this.addMetrics(repoId, runId, batch.metrics);
    return params.length > 0 || tags.length > 0 || metrics;
  }

  /** The rows of params not stored yet; refuses a param given two values or changing value. */
  private async newParams(repoId: number, runId: string, given: Array<[string, string]>): Promise<SqlValue[][]> {
    if (given.length === 0) return [];
    const stored = await this.valuesOf('mlflow_params', repoId, runId, [...new Set(given.map(([k]) => k))]);
    const seen = new Map<string, string>();
    const rows: SqlValue[][] = [];
    for (const [key, value] of given) {
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        if (earlier !== value) {
          throw invalid(
            `Duplicate parameter keys have been submitted: key='${key}' is given with values '${earlier}' and '${value}'.`,
          );
        }
        continue;
      }
      seen.set(key, value);
      const existing = stored.get(key);
      if (existing !== undefined) {
        if (existing !== value) {
          throw invalid(
            `Changing param values is not allowed. Param with key='${key}' was already logged with value='${existing}' for run ID='${runId}'. Attempted logging new value '${value}'.`,
          );
        }
        continue;
      }
      rows.push([repoId, runId, key, value]);
    }
    return rows;
  }

  /**
   * The rows of tags whose value changes. A key given twice in one batch takes its last value
   * (MLflow's rule); only that one is compared, so re-sending the batch changes nothing.
   */
  private async changedTags(repoId: number, runId: string, given: Array<[string, string]>): Promise<SqlValue[][]> {
    const last = new Map(given);
    if (last.size === 0) return [];
    const stored = await this.valuesOf('mlflow_tags', repoId, runId, [...last.keys()]);
    return [...last]
      .filter(([key, value]) => stored.get(key) !== value)
      .map(([key, value]) => [repoId, runId, key, value]);
  }

  /** The stored values of these keys of a run's params or tags. */
  private async valuesOf(
    table: 'mlflow_params' | 'mlflow_tags',
    repoId: number,
    runId: string,
    keys: string[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const group of groups(keys)) {
      const { marks, params } = inList(group);
      for (const r of await this.db.all<{ key: string; value: string }>(
        `SELECT key, value FROM ${table} WHERE repo_id = ? AND run_id = ? AND key IN (${marks})`,
        [repoId, runId, ...params],
      )) {
        out.set(r.key, r.value);
      }
    }
    return out;
  }

  /**
   * Stores the points not stored yet and folds them, in the order given, into each key's
   * summary (latest by MLflow's rule, min, max, count); false when every point was stored.
   */
  private async addMetrics(repoId: number, runId: string, points: MetricPoint[]): Promise<boolean> {
    if (points.length === 0) return false;
    const rows = points.map((p) => {
      const isNan = Number.isNaN(p.value);
      return [repoId, runId, p.key, p.step, p.timestamp, isNan ? 0 : p.value, isNan ? 1 : 0];
    });
    const inserted = await insertRows<{ key: string; step: number; timestamp: number; value: number; is_nan: number }>(
      this.db,
      'INSERT INTO mlflow_metrics (repo_id, run_id, key, step, timestamp, value, is_nan)',
      rows,
      'ON CONFLICT DO NOTHING RETURNING key, step, timestamp, value, is_nan',
      ['bigint', 'text', 'text', 'bigint', 'bigint', 'float8', 'integer'],
    );
    if (inserted.length === 0) return false;
    // The points that were new: the first of each inserted identity, in the order given.
    const fresh = new Set(inserted.map((r) => pointIdentity(r.key, r.step, r.timestamp, r.value, r.is_nan)));
    const added = points.filter((_, i) => {
      const r = rows[i] as [number, string, string, number, number, number, number];
      return fresh.delete(pointIdentity(r[2], r[3], r[4], r[5], r[6]));
    });
    const keys = [...new Set(added.map((p) => p.key))];
    const summaries = new Map<string, LatestRow>();
    for (const group of groups(keys)) {
      const { marks, params } = inList(group);
      for (const r of await this.db.all<LatestRow>(
        `SELECT * FROM mlflow_latest_metrics WHERE repo_id = ? AND run_id = ? AND key IN (${marks})`,
        [repoId, runId, ...params],
      )) {
        summaries.set(r.key, r);
      }
    }
    for (const p of added) summaries.set(p.key, foldPoint(summaries.get(p.key), runId, p));
    await insertRows(
      this.db,
      'INSERT INTO mlflow_latest_metrics (repo_id, run_id, key, value, is_nan, step, timestamp, min, max, count)',
      keys.map((key) => {
        const s = summaries.get(key) as LatestRow;
        return [repoId, runId, key, s.value, s.is_nan, s.step, s.timestamp, s.min, s.max, s.count];
      }),
      `ON CONFLICT (repo_id, run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
         step = excluded.step, timestamp = excluded.timestamp, min = excluded.min, max = excluded.max, count = excluded.count`,
      ['bigint', 'text', 'text', 'float8', 'integer', 'bigint', 'bigint', 'float8', 'float8', 'bigint'],
    );
    return true;
  }

  /**
   * Turns run rows into core runs, with params, tags and metric summaries. Few rows are looked
   * up by id (IN lists); many are read in one join per table over `scope` — the runs' own rows,
   * as a search or feed page selected them — since PostgreSQL answers each long IN list with a
   * scan of the whole table, and 10,000 runs would be 40 such scans per table.
   */
  private async hydrate(repoId: number, rows: RunRow[], scope: RunScope | null = null): Promise<Run[]> {
    const params = new Map<string, Array<[string, string]>>();
    const tags = new Map<string, Array<[string, string]>>();
    const summaries = new Map<string, Array<[string, MetricSummary]>>();
    const wanted = new Set(rows.map((r) => r.run_id));
    const push = <V>(m: Map<string, Array<[string, V]>>, id: string, entry: [string, V]) => {
      if (!wanted.has(id)) return;
      const list = m.get(id) ?? [];
      list.push(entry);
      m.set(id, list);
    };
    // Which rows of each table to read: `x` is the table, `r` the runs joined to it.
    const reads: Array<{ where: string; values: SqlValue[] }> = [];
    if (scope && wanted.size > MAX_LOOKUP) {
      reads.push({
        where: `JOIN mlflow_runs r ON r.repo_id = x.repo_id AND r.run_id = x.run_id WHERE x.repo_id = ? AND ${scope.where}`,
        values: [repoId, ...scope.params],
      });
    } else {
      for (const group of groups([...wanted])) {
        const { marks, params: ids } = inList(group);
        reads.push({ where: `WHERE x.repo_id = ? AND x.run_id IN (${marks})`, values: [repoId, ...ids] });
      }
    }
    for (const { where, values } of reads) {
      for (const p of await this.db.all<{ run_id: string; key: string; value: string }>(
        `SELECT x.run_id, x.key, x.value FROM mlflow_params x ${where} ORDER BY x.run_id, x.key`,
        values,
      )) {
        push(params, p.run_id, [p.key, p.value]);
      }
      for (const t of await this.db.all<{ run_id: string; key: string; value: string }>(
        `SELECT x.run_id, x.key, x.value FROM mlflow_tags x ${where} ORDER BY x.run_id, x.key`,
        values,
      )) {
        push(tags, t.run_id, [t.key, t.value]);
      }
      for (const m of await this.db.all<LatestRow>(
        `SELECT x.* FROM mlflow_latest_metrics x ${where} ORDER BY x.run_id, x.key`,
        values,
      )) {
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

  private async hydrateCached(repoId: number, rows: RunRow[], scope: RunScope | null): Promise<Run[]> {
    if (this.inTransaction) return this.hydrate(repoId, rows, scope);
    const cache = this.cache.entries;
    const out: Array<Run | undefined> = rows.map((r) => {
      const hit = cache.get(`${repoId}\0${r.run_id}`);
      return hit && hit.seq === r.seq ? hit.run : undefined;
    });
    const missing = rows.filter((_, i) => out[i] === undefined);
    if (missing.length > 0) {
      const fresh = await this.hydrate(repoId, missing, scope);
      if (cache.size + missing.length > CACHE_MAX) cache.clear();
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

  create(repoId: number, spec: NewRun): Promise<Run> {
    return this.inTx(async (s) => {
      const runId = await s.createHere(repoId, spec);
      return s.get(repoId, runId);
    });
  }

  /** `create`'s work inside an open transaction; the new run's id. */
  private async createHere(repoId: number, spec: NewRun): Promise<string> {
    const exp = await this.experiments.get(repoId, spec.experimentId);
    if (exp.lifecycleStage !== 'active') {
      throw invalid(`The experiment ${exp.id} must be in the 'active' state. Current state is ${exp.lifecycleStage}.`);
    }
    const runId = spec.runId ?? randomBytes(16).toString('hex');
    const exists = () => invalid(`A run with id ${runId} already exists.`);
    if (await this.findRow(repoId, runId)) throw exists();
    const tags = new Map(spec.tags);
    const name = spec.runName || tags.get('mlflow.runName') || generateRunName();
    tags.set('mlflow.runName', name);
    const userId = spec.userId || tags.get('mlflow.user') || '';
    const base = exp.artifactLocation.replace(/\/+$/, '');
    // ON CONFLICT: another process may create a run with the same client-made id meanwhile.
    const inserted = await this.db.run(
      `INSERT INTO mlflow_runs (repo_id, run_id, experiment_id, name, user_id, status, start_time, end_time,
         lifecycle_stage, artifact_uri, seq) VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, NULL, 'active', ?, 0)
       ON CONFLICT DO NOTHING`,
      [repoId, runId, exp.id, name, userId, spec.startTime, `${base}/${runId}/artifacts`],
    );
    if (inserted.changes === 0) throw exists();
    await this.applyBatch(repoId, runId, { metrics: [], params: [], tags: [...tags] });
    await this.changed(repoId, runId);
    return runId;
  }

  async get(repoId: number, runId: string): Promise<Run> {
    return (await this.hydrate(repoId, [await this.row(repoId, runId)]))[0]!;
  }

  async exists(repoId: number, runId: string): Promise<boolean> {
    return (await this.findRow(repoId, runId)) !== undefined;
  }

  update(repoId: number, runId: string, u: { status?: RunStatus; endTime?: number; runName?: string }): Promise<Run> {
    return this.inTx(async (s) => {
      const r = await s.activeRow(repoId, runId);
      let any = false;
      const status = u.status ?? r.status;
      const endTime = u.endTime ?? r.end_time;
      const name = u.runName ?? r.name;
      if (status !== r.status || endTime !== r.end_time || name !== r.name) {
        await s.db.run('UPDATE mlflow_runs SET status = ?, end_time = ?, name = ? WHERE repo_id = ? AND run_id = ?', [
          status,
          endTime,
          name,
          repoId,
          runId,
        ]);
        any = true;
      }
      if (
        u.runName !== undefined &&
        (await s.applyBatch(repoId, runId, { metrics: [], params: [], tags: [['mlflow.runName', name]] }))
      ) {
        any = true;
      }
      if (any) await s.changed(repoId, runId);
      return s.get(repoId, runId);
    });
  }

  setStage(repoId: number, runId: string, stage: 'active' | 'deleted'): Promise<void> {
    return this.inTx((s) => s.setStageHere(repoId, runId, stage));
  }

  private async setStageHere(repoId: number, runId: string, stage: 'active' | 'deleted'): Promise<void> {
    const r = await this.row(repoId, runId, true);
    if (r.lifecycle_stage === stage) return;
    await this.db.run('UPDATE mlflow_runs SET lifecycle_stage = ?, deleted_time = ? WHERE repo_id = ? AND run_id = ?', [
      stage,
      stage === 'deleted' ? Date.now() : null,
      repoId,
      runId,
    ]);
    await this.changed(repoId, runId);
  }

  /** Deletes or restores every run of an experiment (with the experiment, as MLflow does). */
  setExperimentRunsStage(repoId: number, experimentId: number, stage: 'active' | 'deleted'): Promise<void> {
    return this.inTx(async (s) => {
      const ids = await s.db.all<{ run_id: string }>(
        'SELECT run_id FROM mlflow_runs WHERE repo_id = ? AND experiment_id = ? AND lifecycle_stage != ? ORDER BY run_id',
        [repoId, experimentId, stage],
      );
      for (const { run_id } of ids) await s.setStageHere(repoId, run_id, stage);
    });
  }

  logBatch(repoId: number, runId: string, batch: BatchInput): Promise<void> {
    return this.inTx(async (s) => {
      await s.activeRow(repoId, runId);
      if (await s.applyBatch(repoId, runId, batch)) await s.changed(repoId, runId);
    });
  }

  deleteTag(repoId: number, runId: string, key: string): Promise<void> {
    return this.inTx(async (s) => {
      await s.activeRow(repoId, runId);
      const gone = await s.db.run('DELETE FROM mlflow_tags WHERE repo_id = ? AND run_id = ? AND key = ?', [
        repoId,
        runId,
        key,
      ]);
      if (gone.changes === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      await s.changed(repoId, runId);
    });
  }

  /** A metric's history, by step then timestamp; `limit` null = all. */
  async history(
    repoId: number,
    runId: string,
    key: string,
    offset: number,
    limit: number | null,
  ): Promise<MetricPoint[]> {
    await this.row(repoId, runId);
    const rows = await this.db.all<MetricPoint & { is_nan: number }>(
      `SELECT key, value, is_nan, timestamp, step FROM mlflow_metrics WHERE repo_id = ? AND run_id = ? AND key = ?
       ORDER BY step, timestamp, value, is_nan LIMIT ? OFFSET ?`,
      [repoId, runId, key, limit ?? Number.MAX_SAFE_INTEGER, offset],
    );
    return rows.map((r) => ({
      key: r.key,
      value: r.is_nan ? Number.NaN : r.value,
      timestamp: r.timestamp,
      step: r.step,
    }));
  }

  /**
   * MLflow's search_runs: view type, filter, order (with its tie-breakers) and offset paging.
   * Filter and order run in JS (core's compileRunFilter and sortRuns), so NULL placement and
   * string comparison are the same whichever database holds the rows.
   */
  async search(repoId: number, q: RunSearch): Promise<{ runs: Run[]; nextOffset: number | null }> {
    if (q.experimentIds.length === 0) return { runs: [], nextOffset: null };
    const { marks, params } = inList(q.experimentIds);
    const rows = await this.db.all<RunRow>(
      `SELECT * FROM mlflow_runs WHERE repo_id = ? AND experiment_id IN (${marks})`,
      [repoId, ...params],
    );
    const keep = compileRunFilter(q.filter);
    const matched = sortRuns(
      (
        await this.hydrateCached(
          repoId,
          rows.filter((r) => stageMatches(q.view, r.lifecycle_stage)),
          { where: `r.experiment_id IN (${marks})`, params },
        )
      ).filter(keep),
      q.orderBy,
    );
    const end = q.offset + q.maxResults;
    return { runs: matched.slice(q.offset, end), nextOffset: end < matched.length ? end : null };
  }

  /** The run feed: runs changed after `since`, oldest change first. */
  async changedSince(
    repoId: number,
    since: number,
    limit: number,
  ): Promise<{ runs: Run[]; seqs: number[]; more: boolean; remaining: number }> {
    const rows = await this.db.all<RunRow>(
      'SELECT * FROM mlflow_runs WHERE repo_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [repoId, since, limit + 1],
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    // How many changed runs come after this page (a count over the seq index), for progress.
    const remaining = more
      ? ((
          await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM mlflow_runs WHERE repo_id = ? AND seq > ?', [
            repoId,
            page[page.length - 1]!.seq,
          ])
        )?.n ?? 0)
      : 0;
    // The last page holds every run changed after `since` (and a run changed meanwhile only
    // moves to a higher sequence), so `seq > since` covers it; a cut page is looked up by id.
    const scope = more ? null : { where: 'r.seq > ?', params: [since] };
    return { runs: await this.hydrateCached(repoId, page, scope), seqs: page.map((r) => r.seq), more, remaining };
  }

  async currentSeq(repoId: number): Promise<number> {
    const r = await this.db.get<{ seq: number }>('SELECT seq FROM mlflow_repo_seq WHERE repo_id = ?', [repoId]);
    return r?.seq ?? 0;
  }

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
  ): Promise<'created' | 'updated' | 'unchanged'> {
    return this.inTx(async (s) => {
      const existing = await s.findRow(repoId, run.id, true);
      if (!existing) {
        await s.createHere(repoId, {
          runId: run.id,
          experimentId: run.experimentId,
          userId: run.userId,
          runName: run.name,
          startTime: run.startTime,
          tags: run.tags,
        });
        await s.applyBatch(repoId, run.id, { ...run, tags: [] });
        await s.db.run('UPDATE mlflow_runs SET status = ?, end_time = ? WHERE repo_id = ? AND run_id = ?', [
          run.status,
          run.endTime,
          repoId,
          run.id,
        ]);
        await s.changed(repoId, run.id);
        return 'created';
      }
      if (existing.experiment_id !== run.experimentId) {
        throw invalid(`Run ${run.id} already exists in experiment ${existing.experiment_id}, not ${run.experimentId}.`);
      }
      let any = await s.applyBatch(repoId, run.id, run);
      const endTime = run.endTime ?? existing.end_time;
      const name = run.name ?? existing.name;
      if (existing.status !== run.status || existing.end_time !== endTime || existing.name !== name) {
        await s.db.run('UPDATE mlflow_runs SET status = ?, end_time = ?, name = ? WHERE repo_id = ? AND run_id = ?', [
          run.status,
          endTime,
          name,
          repoId,
          run.id,
        ]);
        if (name !== existing.name)
          await s.applyBatch(repoId, run.id, { metrics: [], params: [], tags: [['mlflow.runName', name]] });
        any = true;
      }
      if (any) await s.changed(repoId, run.id);
      return any ? 'updated' : 'unchanged';
    });
  }
}

/** A metric point's primary key as one string (NaN stored as 0 with is_nan 1). */
function pointIdentity(key: string, step: number, timestamp: number, value: number, isNan: number): string {
  return `${key}\0${step}\0${timestamp}\0${value}\0${isNan}`;
}

/** A key's summary after one more (new) point, by MLflow's latest rule. */
function foldPoint(cur: LatestRow | undefined, runId: string, p: MetricPoint): LatestRow {
  const isNan = Number.isNaN(p.value);
  const next: LatestRow = {
    run_id: runId,
    key: p.key,
    value: isNan ? 0 : p.value,
    is_nan: isNan ? 1 : 0,
    step: p.step,
    timestamp: p.timestamp,
    min: isNan ? null : p.value,
    max: isNan ? null : p.value,
    count: 1,
  };
  if (!cur) return next;
  const curValue = cur.is_nan ? Number.NaN : cur.value;
  if (!isLaterPoint(p, { value: curValue, step: cur.step, timestamp: cur.timestamp })) {
    next.value = cur.value;
    next.is_nan = cur.is_nan;
    next.step = cur.step;
    next.timestamp = cur.timestamp;
  }
  next.min = minOf(cur.min, next.min);
  next.max = maxOf(cur.max, next.max);
  next.count = cur.count + 1;
  return next;
}

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
