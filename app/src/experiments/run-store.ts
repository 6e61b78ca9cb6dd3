/**
 * The experiments' offline store: a Dexie database of its own (so its schema evolves apart
 * from the shared data cache) holding every run the views know — MLflow runs pulled from the
 * server's feed and git experiments computed in the browser — with their metric histories and
 * the feed position per repository. Every view reads from here, so all of them work offline.
 * Beside the rows, each repository has a columnar snapshot of them (core run-block.ts: typed
 * arrays and dictionary-encoded strings in blocks of BLOCK_RUNS runs), checked against a write
 * stamp that every write to the runs moves: 100,000 runs open from it in a few reads instead of
 * 100,000 deserialised objects, and it is used only while it equals the rows.
 *
 * Every released schema version stays listed (add a version, never edit one).
 */
import type { GitExperiment, ScanCache, ScanCacheEntry } from '@cairn/core/experiments';
import {
  joinPackedRunBlock,
  type MetricPoint,
  PACKED_RUN_BLOCK_FORMAT,
  packRunBlock,
  type Run,
  type RunBlock,
  type SplitRunBlock,
  splitPackedRunBlock,
  unpackRunBlock,
} from '@cairn/core/runs';
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

/**
 * How many times a repository's runs were written (every write transaction to `runs` moves it),
 * so a snapshot can say which state of the rows it equals.
 */
export interface RunStampRow {
  repo: string;
  version: number;
}

/**
 * The repository's columnar snapshot (core run-block.ts): a header (`part` -1) saying how many
 * blocks there are, which write stamp of the rows they equal and their format, and blocks
 * 0…parts-1 of BLOCK_RUNS runs each, in the order the page last held them, packed (core
 * run-block-pack.ts: a block's strings in one string, its typed arrays' bytes one Blob, read
 * after the rows — a fraction of the time IndexedDB takes to deserialise the block). Header
 * and blocks are only ever written together, in one transaction that checks the stamp, so the
 * snapshot is used only when it equals the rows; otherwise the rows are read (and a snapshot
 * made from them). A snapshot of another format (`format` absent: 1, blocks as `block`) is not
 * read: the rows are, and the snapshot is written again in this one.
 */
export interface RunBlockHeadRow {
  repo: string;
  part: -1;
  parts: number;
  version: number;
  writer?: string;
  format?: number;
}
export type RunBlockRow =
  | RunBlockHeadRow
  | { repo: string; part: number; head: SplitRunBlock['head']; bytes: Blob }
  /** Format 1 (stores written before blocks were packed): never read. */
  | { repo: string; part: number; block: RunBlock };

/** Whether a header row is one of a snapshot this code reads (its format). */
function isCurrentHead(head: RunBlockRow | undefined): head is RunBlockHeadRow {
  return head !== undefined && 'parts' in head && head.format === PACKED_RUN_BLOCK_FORMAT;
}

/** A block as stored: the packed block split into its head and its arrays' bytes (a Blob). */
function blockRow(repo: string, part: number, block: RunBlock): RunBlockRow {
  const { head, bytes } = splitPackedRunBlock(packRunBlock(block));
  return { repo, part, head, bytes: new Blob([bytes]) };
}

/**
 * The snapshot's header and block rows (small: a block's bytes are a Blob, read later), in one
 * read transaction: one state of the store. Null when there is none of this format equal to the rows.
 */
async function readSnapshotRows(
  db: ExperimentsDb,
  repo: string,
): Promise<{
  rows: RunBlockRow[];
  firstBytes: Promise<ArrayBuffer | null>;
  version: number;
  writer: string | null;
} | null> {
  return db.transaction('r', db.runStamps, db.runBlocks, async () => {
    const version = (await db.runStamps.get(repo))?.version ?? 0;
    const head = await db.runBlocks.get([repo, -1]);
    if (!isCurrentHead(head) || head.version !== version) return null;
    // The first block's bytes are read while the other rows are (its runs are the first frame).
    const first = head.parts > 0 ? await db.runBlocks.get([repo, 0]) : undefined;
    const firstBytes = bytesOfRow(first);
    const rest = await db.runBlocks.where('[repo+part]').between([repo, 1], [repo, head.parts], true, false).toArray();
    const rows = first ? [first, ...rest] : rest;
    if (rows.length !== head.parts || rows.some((r, p) => r.part !== p)) return null;
    return { rows, firstBytes, version, writer: head.writer ?? null };
  });
}

/** A block row's bytes (null when it has none, or they could not be read). */
function bytesOfRow(row: RunBlockRow | undefined): Promise<ArrayBuffer | null> {
  return row && 'bytes' in row && row.bytes instanceof Blob
    ? row.bytes.arrayBuffer().catch(() => null)
    : Promise.resolve(null);
}

/**
 * The blocks of snapshot rows in order, each handed to `onBlock` as soon as its bytes are read
 * (the next one's are read meanwhile); null when one is not a block of this format (damaged,
 * or its bytes could not be read) or `signal` aborted.
 */
async function blocksOfRows(
  { rows, firstBytes }: { rows: readonly RunBlockRow[]; firstBytes: Promise<ArrayBuffer | null> },
  onBlock: (block: RunBlock, part: number) => void,
  signal?: AbortSignal,
): Promise<RunBlock[] | null> {
  const blocks: RunBlock[] = [];
  let next = firstBytes;
  for (let part = 0; part < rows.length; part++) {
    const buffer = await next;
    next = bytesOfRow(rows[part + 1]);
    if (signal?.aborted) return null;
    const row = rows[part];
    const packed = buffer && row && 'head' in row ? joinPackedRunBlock(row.head, buffer) : null;
    if (!packed) return null;
    const block = unpackRunBlock(packed);
    blocks.push(block);
    onBlock(block, part);
  }
  return blocks;
}

export type ExperimentsDb = Dexie & {
  runs: Table<RunRow, [string, string]>;
  histories: Table<HistoryRow, [string, string, string]>;
  feeds: Table<FeedRow, string>;
  gitScans: Table<GitScanRow, [string, string]>;
  runStamps: Table<RunStampRow, string>;
  runBlocks: Table<RunBlockRow, [string, number]>;
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
  // v3: the columnar snapshot of each repository's runs, and the write stamp it is checked against.
  db.version(3).stores({
    runStamps: 'repo',
    runBlocks: '[repo+part], repo',
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

/**
 * The stored runs of `ids`, in their order (those not stored left out), read `page` at a time:
 * each request's reading (the runs' structured-clone reading, on this thread) is a task of its
 * own, not one long one (1,000 runs in one bulkGet were a task of ~110 ms). Null once `stale()`
 * (checked as each page arrives).
 */
export async function getRuns(
  db: ExperimentsDb,
  repo: string,
  ids: readonly string[],
  page = 200,
  stale: () => boolean = () => false,
): Promise<RunRow[] | null> {
  // Asked all at once (one round trip, not one per page); each answer still arrives in a task of its own.
  const asks: Promise<(RunRow | undefined)[]>[] = [];
  for (let i = 0; i < ids.length; i += page)
    asks.push(db.runs.bulkGet(ids.slice(i, i + page).map((id) => [repo, id] as [string, string])));
  const rows: RunRow[] = [];
  for (const ask of asks) {
    const got = await ask;
    if (stale()) return null;
    for (const row of got) if (row !== undefined) rows.push(row);
  }
  return rows;
}

export interface RunPageOptions {
  /** Rows in the first page: small, so the table can show something at once. */
  firstPage?: number;
  /** Aim for pages whose read takes about this long (each is one main-thread task). */
  targetMs?: number;
  /** Stops reading after the current page (the view went away); what was read is returned. */
  signal?: AbortSignal;
  /** Gets the write stamp of the state read (see RunStampRow). */
  onVersion?: (version: number) => void;
  /**
   * `onPage` gets each page's rows alone and none are kept (the caller keeps them in its own
   * form: at 100,000 runs the rows as objects are most of a tab's memory); returns [].
   */
  pagesOnly?: boolean;
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
  return db.transaction('r', db.runs, db.runStamps, async () => {
    const version = (await db.runStamps.get(repo))?.version ?? 0;
    Dexie.ignoreTransaction(() => opts.onVersion?.(version));
    // The count is for progress only: asked after the first page, so it does not delay it
    // (null until known).
    let total: number | null = null;
    let counted: Promise<void> | null = null;
    const out: RunRow[] = [];
    let read = 0;
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
      if (opts.pagesOnly) out.length = 0;
      for (const row of page) out.push(row);
      const done = page.length < size;
      // Outside the transaction's zone: what the callback starts (a render, a save) is not
      // part of this read.
      read += page.length;
      const known = done ? read : total === null ? null : Math.max(total, read);
      Dexie.ignoreTransaction(() => onPage(out, known, done));
      if (done || opts.signal?.aborted) {
        await counted;
        return opts.pagesOnly ? [] : out;
      }
      after = (page[page.length - 1] as RunRow).id;
      // Toward the target, at most doubling: one quick page (a warm cache) must not make the
      // next one huge.
      const next = Math.round((size * targetMs) / Math.max(ms, 1));
      size = Math.min(size * 2, 5000, Math.max(Math.min(50, opts.firstPage ?? 50), next));
    }
  });
}

/** Moves the repository's write stamp; call inside every write transaction to `runs`. */
export async function bumpRunsVersion(db: ExperimentsDb, repo: string): Promise<number> {
  const version = ((await db.runStamps.get(repo))?.version ?? 0) + 1;
  await db.runStamps.put({ repo, version });
  return version;
}

/** Runs per snapshot block: one block is one IndexedDB value (~5 MB at 100 columns), encoded in one task. */
export const BLOCK_RUNS = 2048;

/** What a row keeps beside its run in a block: a git experiment's facts (null for MLflow runs). */
export function extraOf(row: RunRow): string | null {
  return row.origin === 'git' ? JSON.stringify(row.git ?? null) : null;
}

/**
 * The repository's snapshot as blocks (not decoded: the runs table's worker queries them as they
 * are), with the write stamp they equal and the header's writer token; null when there is none
 * equal to the rows. The rows (header, and each block's head and Blob) are read in one read
 * transaction: one state of the store (a Blob read from it keeps its bytes whatever is written
 * later). Then the blocks' bytes are read in order, the next while one is handed over, and
 * `onBlock` gets each block as it is read (the first is shown before the rest is in); after a
 * null answer, what it was given is not the store's.
 */
export async function readStoredBlocks(
  db: ExperimentsDb,
  repo: string,
  onBlock?: (block: RunBlock, part: number, parts: number) => void,
  /** Stops after the current block (the answer is then null). */
  signal?: AbortSignal,
): Promise<{ blocks: RunBlock[]; version: number; writer: string | null } | null> {
  const snap = await readSnapshotRows(db, repo);
  if (!snap || signal?.aborted) return null;
  const parts = snap.rows.length;
  const blocks = await blocksOfRows(snap, (block, part) => onBlock?.(block, part, parts), signal);
  return blocks && { blocks, version: snap.version, writer: snap.writer };
}

/**
 * Writes `blocks` — the repository's rows at write stamp `version`, as blocks — as its snapshot,
 * under a new writer token. `kept` says which of them the stored snapshot already holds at the
 * same place (written by `keptWriter`, whose header must still be there): only the others are
 * written. In one transaction that first checks the stamp (else nothing is written). Returns
 * the new writer token, or null when nothing was written.
 */
export async function saveStoredBlocks(
  db: ExperimentsDb,
  repo: string,
  version: number,
  blocks: readonly RunBlock[],
  kept: { writer: string; parts: ReadonlySet<number> } | null = null,
): Promise<string | null> {
  const writer = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return db.transaction('rw', db.runStamps, db.runBlocks, async () => {
    if (((await db.runStamps.get(repo))?.version ?? 0) !== version) return null;
    const head = await db.runBlocks.get([repo, -1]);
    const keep = kept && isCurrentHead(head) && head.writer === kept.writer ? kept.parts : new Set<number>();
    if (keep.size === 0) await db.runBlocks.where('repo').equals(repo).delete();
    else await db.runBlocks.where('[repo+part]').between([repo, blocks.length], [repo, Dexie.maxKey]).delete();
    // One put per block: each serialises its block on its own.
    for (let part = 0; part < blocks.length; part++)
      if (!keep.has(part)) await db.runBlocks.put(blockRow(repo, part, blocks[part] as RunBlock));
    await db.runBlocks.put({ repo, part: -1, parts: blocks.length, version, writer, format: PACKED_RUN_BLOCK_FORMAT });
    return writer;
  });
}

/** Rows handed to one bulkPut: each call serialises its rows in one main-thread task. */
const PUT_CHUNK = 250;

/**
 * Stores MLflow runs from the feed and the new feed position, in one transaction, and returns
 * the runs' write stamp after it (see RunStampRow). A run whose
 * metrics moved on has stale cached histories, which are dropped (they refetch): only the runs
 * that HAVE cached histories are compared, found by key alone, so a first sync (no histories)
 * reads no stored run back. The rows are written in chunks, each its own short task (the
 * transaction stays one: all or nothing), so the page keeps painting while 5,000 runs go in.
 */
export async function saveFeedPage(
  db: ExperimentsDb,
  repo: string,
  runs: readonly Run[],
  since: number,
): Promise<number> {
  return db.transaction('rw', db.runs, db.feeds, db.histories, db.runStamps, async () => {
    const ids = runs.map((r) => r.id);
    // A repository with no cached history at all (every first sync) has nothing to drop: one
    // key read instead of a lookup of every run of the page.
    const anyHistory =
      ids.length > 0 &&
      (
        await db.histories
          .where('[repo+runId]')
          .between([repo, Dexie.minKey], [repo, Dexie.maxKey])
          .limit(1)
          .primaryKeys()
      ).length > 0;
    if (anyHistory) {
      const cached = await db.histories
        .where('[repo+runId]')
        .anyOf(ids.map((id) => [repo, id]))
        .primaryKeys();
      const withHistory = [...new Set(cached.map(([, runId]) => runId))];
      if (withHistory.length > 0) {
        const byId = new Map(runs.map((r) => [r.id, r]));
        const old = await db.runs.bulkGet(withHistory.map((id) => [repo, id] as [string, string]));
        for (const row of old) {
          if (!row) continue;
          const run = byId.get(row.id) as Run;
          if (JSON.stringify(row.run.metricSummaries) !== JSON.stringify(run.metricSummaries)) {
            await db.histories.where('[repo+runId]').equals([repo, row.id]).delete();
          }
        }
      }
    }
    for (let i = 0; i < runs.length; i += PUT_CHUNK) {
      await db.runs.bulkPut(
        runs.slice(i, i + PUT_CHUNK).map((run) => ({ repo, id: run.id, origin: 'mlflow' as const, run })),
      );
    }
    await db.feeds.put({ repo, since, syncedAt: Date.now() });
    // Only a page with runs changes the rows (the poll's empty pages keep the snapshot valid).
    return runs.length > 0 ? bumpRunsVersion(db, repo) : ((await db.runStamps.get(repo))?.version ?? 0);
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
  await db.transaction('rw', db.runs, db.histories, db.runStamps, async () => {
    const old = await db.runs.where('[repo+origin]').equals([repo, 'git']).toArray();
    const stored = new Map(old.map((r) => [r.id, JSON.stringify([r.run, r.git])]));
    const keep = new Set(experiments.map((e) => e.run.id));
    const gone = old.filter((r) => !keep.has(r.id)).map((r) => [repo, r.id] as [string, string]);
    await db.runs.bulkDelete(gone);
    for (const [, id] of gone) await db.histories.where('[repo+runId]').equals([repo, id]).delete();
    // A run's history is derived from the same commit as its summaries: equal rows, equal histories.
    const changed = experiments.filter((e) => stored.get(e.run.id) !== JSON.stringify([e.run, e.info]));
    if (gone.length > 0 || changed.length > 0) await bumpRunsVersion(db, repo);
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
