/**
 * The experiments' offline store: a Dexie database of its own (so its schema evolves apart
 * from the shared data cache) holding every run the views know — MLflow runs pulled from the
 * server's feed and git experiments computed in the browser — with their metric histories and
 * the feed position per repository. Every view reads from here, so all of them work offline.
 *
 * Every released schema version stays listed (add a version, never edit one).
 */
import type { GitExperiment, ScanCache, ScanCacheEntry } from '@cairn/core/experiments';
import type { MetricPoint, Run } from '@cairn/core/runs';
import Dexie, { type Table } from 'dexie';

export type RunOrigin = 'mlflow' | 'git';

/** What a git experiment adds to the run (see core experiments/git-experiment.ts). */
export interface GitRunInfo {
  metricsState: 'present' | 'params-only' | 'in-dvc-data' | 'missing';
  refs: string[];
  paramsFiles: string[];
  metricsFiles: string[];
  dvcMetricsFiles: string[];
  /** Output path → md5 from dvc.lock (absent in rows stored before it was kept). */
  outs?: Record<string, string>;
  problems: { file: string; code: string; message: string; line?: number; column?: number }[];
}

export interface RunRow {
  repo: string;
  id: string;
  origin: RunOrigin;
  run: Run;
  git?: GitRunInfo;
}

/** One metric's history for one run, as columns (compact, and fast to chart). */
export interface HistoryRow {
  repo: string;
  runId: string;
  key: string;
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface FeedRow {
  repo: string;
  since: number;
  syncedAt: number;
}

/** The git-experiment scanner's result for one commit of one repository (core scan-cache.ts). */
export interface GitScanRow extends ScanCacheEntry {
  repo: string;
}

export type ExperimentsDb = Dexie & {
  runs: Table<RunRow, [string, string]>;
  histories: Table<HistoryRow, [string, string, string]>;
  feeds: Table<FeedRow, string>;
  gitScans: Table<GitScanRow, [string, string]>;
};

export function makeExperimentsDb(name = 'cairn-experiments'): ExperimentsDb {
  const db = new Dexie(name) as ExperimentsDb;
  db.version(1).stores({
    runs: '[repo+id], repo, [repo+origin]',
    histories: '[repo+runId+key], [repo+runId]',
    feeds: 'repo',
  });
  // v2: the scanner's per-commit results, so a reload scans only new commits.
  db.version(2).stores({
    gitScans: '[repo+oid], repo',
  });
  db.on('versionchange', () => {
    db.close();
    return false;
  });
  return db;
}

let shared: ExperimentsDb | null = null;
export function experimentsDb(): ExperimentsDb {
  shared ??= makeExperimentsDb();
  return shared;
}

export function historyRowOf(repo: string, runId: string, key: string, points: readonly MetricPoint[]): HistoryRow {
  return {
    repo,
    runId,
    key,
    steps: Float64Array.from(points, (p) => p.step),
    timestamps: Float64Array.from(points, (p) => p.timestamp),
    values: Float64Array.from(points, (p) => p.value),
  };
}

export function pointsOf(row: HistoryRow): MetricPoint[] {
  return Array.from(row.values, (value, i) => ({
    key: row.key,
    value,
    step: row.steps[i] as number,
    timestamp: row.timestamps[i] as number,
  }));
}

export async function loadRuns(db: ExperimentsDb, repo: string): Promise<RunRow[]> {
  return db.runs.where('repo').equals(repo).toArray();
}

export interface RunPageOptions {
  /** Rows in the first page: small, so the table can show something at once. */
  firstPage?: number;
  /** Aim for pages whose read takes about this long (each is one main-thread task). */
  targetMs?: number;
  /** Stops reading after the current page (the view went away); what was read is returned. */
  signal?: AbortSignal;
}

/**
 * Every run of the repository, read a page at a time. IndexedDB hands a request's rows over as
 * one task that deserialises them all (about 0.15 ms per run of 100 columns: 1.5 s for
 * 10,000), so one `toArray` blocks the page that long. Here each page is its own request,
 * sized from the last one's time to stay near `targetMs`, and the page can paint and take
 * input between them. All pages are read in ONE read transaction, so together they are one
 * consistent state of the store (a write waits until the read is done): no run deleted
 * meanwhile shows up, none added is missed. `onPage` gets the rows read so far (the same
 * growing array: copy it to keep it), the count expected and whether this was the last page.
 * When `signal` aborts, reading stops after the current page and returns the rows read so far
 * (incomplete: for a caller that no longer needs them).
 */
export async function readRunsInPages(
  db: ExperimentsDb,
  repo: string,
  onPage: (sofar: readonly RunRow[], total: number | null, done: boolean) => void,
  opts: RunPageOptions = {},
): Promise<RunRow[]> {
  const targetMs = opts.targetMs ?? 25;
  return db.transaction('r', db.runs, async () => {
    // The count is for progress only: asked after the first page, so it does not delay it
    // (null until known).
    let total: number | null = null;
    let counted: Promise<void> | null = null;
    const out: RunRow[] = [];
    let size = Math.max(1, opts.firstPage ?? 200);
    let after: string | null = null;
    for (;;) {
      const t0 = performance.now();
      // Keyset paging on the primary key [repo+id]: each page starts past the last id read.
      const pending = db.runs
        .where('[repo+id]')
        .between([repo, after ?? Dexie.minKey], [repo, Dexie.maxKey], after === null, true)
        .limit(size)
        .toArray();
      counted ??= db.runs
        .where('[repo+id]')
        .between([repo, Dexie.minKey], [repo, Dexie.maxKey])
        .count()
        .then((n) => {
          total = n;
        });
      const page: RunRow[] = await pending;
      const ms = performance.now() - t0;
      for (const row of page) out.push(row);
      const done = page.length < size;
      // Outside the transaction's zone: what the callback starts (a render, a save) is not
      // part of this read.
      const known = done ? out.length : total === null ? null : Math.max(total, out.length);
      Dexie.ignoreTransaction(() => onPage(out, known, done));
      if (done || opts.signal?.aborted) {
        await counted;
        return out;
      }
      after = (page[page.length - 1] as RunRow).id;
      // Toward the target, at most doubling: one quick page (a warm cache) must not make the
      // next one huge.
      const next = Math.round((size * targetMs) / Math.max(ms, 1));
      size = Math.min(size * 2, 5000, Math.max(Math.min(50, opts.firstPage ?? 50), next));
    }
  });
}

/** Stores MLflow runs from the feed and the new feed position, in one transaction. */
export async function saveFeedPage(
  db: ExperimentsDb,
  repo: string,
  runs: readonly Run[],
  since: number,
): Promise<void> {
  await db.transaction('rw', db.runs, db.feeds, db.histories, async () => {
    for (const run of runs) {
      const old = await db.runs.get([repo, run.id]);
      // A run whose metrics moved on has stale cached histories: drop them, they refetch.
      if (old && JSON.stringify(old.run.metricSummaries) !== JSON.stringify(run.metricSummaries)) {
        await db.histories.where('[repo+runId]').equals([repo, run.id]).delete();
      }
    }
    await db.runs.bulkPut(runs.map((run) => ({ repo, id: run.id, origin: 'mlflow' as const, run })));
    await db.feeds.put({ repo, since, syncedAt: Date.now() });
  });
}

/** A scanned git experiment as saveGitExperiments takes it: the run, its history, the git facts. */
export function savedGitExperiment(e: GitExperiment): { run: Run; history: MetricPoint[]; info: GitRunInfo } {
  return {
    run: e.run,
    history: e.history,
    info: {
      metricsState: e.metricsState,
      refs: e.refs,
      paramsFiles: e.paramsFiles,
      metricsFiles: e.metricsFiles,
      dvcMetricsFiles: e.dvcMetricsFiles,
      outs: e.outs,
      problems: e.problems,
    },
  };
}

/**
 * Replaces the repository's git experiments with a new scan (histories included). Runs stored
 * already with the same content are left alone, so a visit that found nothing new writes nothing.
 */
export async function saveGitExperiments(
  db: ExperimentsDb,
  repo: string,
  experiments: readonly { run: Run; history: MetricPoint[]; info: GitRunInfo }[],
): Promise<void> {
  await db.transaction('rw', db.runs, db.histories, async () => {
    const old = await db.runs.where('[repo+origin]').equals([repo, 'git']).toArray();
    const stored = new Map(old.map((r) => [r.id, JSON.stringify([r.run, r.git])]));
    const keep = new Set(experiments.map((e) => e.run.id));
    const gone = old.filter((r) => !keep.has(r.id)).map((r) => [repo, r.id] as [string, string]);
    await db.runs.bulkDelete(gone);
    for (const [, id] of gone) await db.histories.where('[repo+runId]').equals([repo, id]).delete();
    // A run's history is derived from the same commit as its summaries: equal rows, equal histories.
    const changed = experiments.filter((e) => stored.get(e.run.id) !== JSON.stringify([e.run, e.info]));
    if (changed.length === 0) return;
    for (const e of changed) {
      if (stored.has(e.run.id)) await db.histories.where('[repo+runId]').equals([repo, e.run.id]).delete();
    }
    await db.runs.bulkPut(
      changed.map((e) => ({ repo, id: e.run.id, origin: 'git' as const, run: e.run, git: e.info })),
    );
    const rows: HistoryRow[] = [];
    for (const e of changed) {
      const byKey = new Map<string, MetricPoint[]>();
      for (const p of e.history) {
        const list = byKey.get(p.key);
        if (list) list.push(p);
        else byKey.set(p.key, [p]);
      }
      for (const [key, points] of byKey) rows.push(historyRowOf(repo, e.run.id, key, points));
    }
    await db.histories.bulkPut(rows);
  });
}

/** The scanner's cache for one repository, kept in the experiments database. */
export function gitScanCache(db: ExperimentsDb, repo: string): ScanCache {
  return {
    async load() {
      return db.gitScans.where('repo').equals(repo).toArray();
    },
    async save(entries) {
      if (entries.length === 0) return;
      await db.gitScans.bulkPut(entries.map((e) => ({ ...e, repo })));
    },
    async prune(keep) {
      const keys = await db.gitScans.where('repo').equals(repo).primaryKeys();
      const gone = keys.filter(([, oid]) => !keep.has(oid));
      if (gone.length > 0) await db.gitScans.bulkDelete(gone);
    },
  };
}
