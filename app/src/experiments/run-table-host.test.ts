/**
 * The runs table's worker through its messages (fake-indexeddb): a store written before
 * snapshots (rows only, MLflow runs and git experiments) opens and answers what the row-wise
 * table code answers, then gets a snapshot that the next open reads instead of the rows and
 * answers the same from; a snapshot of the previous version (a header with no writer token) opens as it is, one
 * of format 1 (blocks stored unpacked) or with a damaged block is not read (the rows are); a
 * first sync's feed pages show as they come and, once stored, become the snapshot; a reload after
 * a git scan shows the new runs; a pull that fails before any page does not keep the snapshot from
 * being written; a visit during a read of rows left by the last visit takes it up (rows read once).
 */
import { encodeRunBlock, PACKED_RUN_BLOCK_FORMAT, type Run } from '@cairn/core/runs';
import { describe, expect, it } from 'vitest';
import { keyedRun } from './keyed-runs.ts';
import { columnsOfRuns } from './pc-columns.ts';
import { blocksOfRunRows } from './run-blocks.test-support.ts';
import { type Column, parseColumnId } from './run-columns.ts';
import {
  BLOCK_RUNS,
  type ExperimentsDb,
  loadRuns,
  makeExperimentsDb,
  readStoredBlocks,
  saveFeedPage,
  saveGitExperiments,
  saveStoredBlocks,
} from './run-store.ts';
import { filterRuns, sortRuns } from './run-table.ts';
import { RunTableHost } from './run-table-host.ts';
import type { FromTableWorker, TableAnswer, TableInfo } from './run-table-protocol.ts';
import { SlotIds } from './slot-ids.ts';
import { makeRuns } from './test-runs.test-support.ts';

const REPO = 'ada/demo';
const info = {
  metricsState: 'in-dvc-data' as const,
  refs: ['main'],
  paramsFiles: ['params.yaml'],
  metricsFiles: ['metrics.csv'],
  dvcMetricsFiles: [],
  problems: [],
};

function start(db: ExperimentsDb, onPost?: (m: FromTableWorker, host: RunTableHost) => void) {
  const posted: FromTableWorker[] = [];
  const host: RunTableHost = new RunTableHost(db, (m) => {
    posted.push(m);
    onPost?.(m, host);
  });
  let asked = 0;
  const ask = <T extends TableAnswer['type']>(question: Parameters<RunTableHost['ask']>[1] & { type: T }) => {
    const id = ++asked;
    host.ask(id, question);
    const m = posted.find((p) => p.type !== 'changed' && p.id === id);
    if (m?.type !== 'answer') throw new Error(`no answer: ${JSON.stringify(m)}`);
    return m.answer as Extract<TableAnswer, { type: T }>;
  };
  const infos = () => posted.flatMap((m) => (m.type === 'changed' ? [m.info] : []));
  const last = (): TableInfo => infos().at(-1) as TableInfo;
  /** Run ids by slot, as the page keeps them from the `changed` messages (its SlotIds). */
  const ids = () => {
    const kept = new SlotIds();
    let epoch = -1;
    for (const m of posted) {
      if (m.type !== 'changed') continue;
      if (m.info.epoch !== epoch) {
        kept.clear();
        epoch = m.info.epoch;
      }
      kept.add(m.idsFrom, m.ids);
    }
    return Array.from({ length: kept.size }, (_, s) => kept.get(s) as string);
  };
  return { host, ask, last, infos, ids, posted };
}

async function until<T>(fn: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What the page would show: the ids of the shown runs, by the row-wise code over the stored rows. */
async function rowWise(db: ExperimentsDb, filter: string, sort: string, direction: 'asc' | 'desc') {
  const rows = (await loadRuns(db, REPO)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const runs = rows.map((r) => keyedRun(r.run));
  const f = filterRuns(runs, filter);
  if (!f.ok) return [];
  return sortRuns(f.runs, parseColumnId(sort) as Column, direction).map((r) => r.id);
}

const QUERIES = [
  { filter: '', sort: 'metric:m1', direction: 'desc' as const },
  { filter: "params.p0 = 'adam' AND metrics.m0 > 0.3", sort: 'param:p1', direction: 'asc' as const },
  { filter: 'run-1', sort: 'attr:name', direction: 'asc' as const },
];

async function expectAnswersEqualRowWise(db: ExperimentsDb, t: ReturnType<typeof start>) {
  for (const q of QUERIES) {
    const a = t.ask({ type: 'query', query: { ...q, summary: 'last' }, from: 0, to: 5 });
    const ids = t.ids();
    const want = await rowWise(db, q.filter, q.sort, q.direction);
    expect(Array.from(a.order, (s) => ids[s])).toEqual(want);
    expect(a.total).toBe((await loadRuns(db, REPO)).length);
    // The rows in view come with the order, as the runs they are.
    expect(a.rows.map(([, r]) => r.id)).toEqual(want.slice(0, 5));
    // The plot's columns of the shown runs are the cells the plot reads from the runs; a slot
    // no longer held (a page's, from before a reload) is left out.
    const byId = new Map((await loadRuns(db, REPO)).map((r) => [r.id, keyedRun(r.run)]));
    const specs = [
      { col: parseColumnId('param:p0') as Column, log: false },
      { col: parseColumnId('metric:m1') as Column, log: true },
      { col: parseColumnId('metric:m0') as Column, log: false },
    ];
    const plot = t.ask({ type: 'plot-columns', slots: Uint32Array.of(...a.order, 1e9), specs, summary: 'max' });
    expect(Array.from(plot.slots, (s) => ids[s])).toEqual(want);
    expect(plot.columns).toEqual(
      columnsOfRuns(
        want.map((id) => byId.get(id) as Run),
        specs,
        'max',
      ),
    );
  }
}

async function seedRows(db: ExperimentsDb) {
  await saveFeedPage(db, REPO, makeRuns(3000, 4, 4), 1);
  const git = makeRuns(4, 2, 2, 7).map(
    (r): Run => ({
      ...r,
      id: `c${r.id}`,
      source: { kind: 'git', commit: `c${r.id}`, branch: 'main' },
      metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [`metrics.csv:${k}`, v])),
      metricSummaries: {},
      tags: { ...r.tags, 'cairn.metrics_state': 'in-dvc-data' },
    }),
  );
  await saveGitExperiments(
    db,
    REPO,
    git.map((run) => ({ run, history: [], info })),
  );
}

describe('the runs table worker', { timeout: 60_000 }, () => {
  it('opens a store of rows, answers as the row-wise table, and opens from its snapshot next time', async () => {
    const db = makeExperimentsDb(`host-${Math.random()}`);
    await seedRows(db);
    const first = start(db);
    await first.host.command({ type: 'open', repo: REPO, session: 1 });
    expect(first.last()).toMatchObject({ count: 3004, git: 4, metricsOutsideGit: true, loaded: true, reading: null });
    // Git experiments' file-qualified keys are one column with the MLflow runs' (with their file).
    expect(first.last().columns.find((c) => c.id === 'metric:m0')?.files).toEqual(['metrics.csv']);
    await expectAnswersEqualRowWise(db, first);

    // The snapshot is written from the runs read — even when the page is left meanwhile (then
    // the worker lets the runs go) — and the next open reads it.
    await first.host.command({ type: 'close' });
    const snap = await until(() => readStoredBlocks(db, REPO));
    await until(async () =>
      first.ask({
        type: 'query',
        query: { filter: '', sort: null, direction: 'desc', summary: 'last' },
        from: 0,
        to: 1,
      }).total === 0
        ? true
        : null,
    );
    expect(snap.blocks.reduce((n, b) => n + b.count, 0)).toBe(3004);
    // Pages of rows go into blocks of about BLOCK_RUNS (the first page alone, shown at once).
    expect(snap.blocks.length).toBeLessThanOrEqual(Math.ceil(3004 / BLOCK_RUNS) + 1);
    const again = start(db);
    await again.host.command({ type: 'open', repo: REPO, session: 1 });
    // The first block is shown as soon as it is read (the first frame does not wait for the
    // rest), while the rest is still being read.
    const shown = again.infos().filter((i) => i.count > 0);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown[0]).toMatchObject({ count: snap.blocks[0]?.count, reading: { read: snap.blocks[0]?.count } });
    expect(again.last()).toMatchObject({ count: 3004, git: 4, metricsOutsideGit: true });
    expect(again.last().columns).toEqual(first.last().columns);
    await expectAnswersEqualRowWise(db, again);
    const run = again.ask({ type: 'run', runId: 'crun2' });
    expect(run.run?.metrics).toEqual(keyedRun((await db.runs.get([REPO, 'crun2']))?.run as Run).metrics);
  });

  it('opens a snapshot of the previous version as it is (existing caches)', async () => {
    const db = makeExperimentsDb(`host-old-${Math.random()}`);
    await seedRows(db);
    const rows = (await loadRuns(db, REPO)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const version = (await db.runStamps.get(REPO))?.version ?? 0;
    // The previous version wrote its header with no writer token.
    expect(await saveStoredBlocks(db, REPO, version, blocksOfRunRows(rows))).not.toBeNull();
    const { writer: _token, ...head } = (await db.runBlocks.get([REPO, -1])) as { writer?: string };
    await db.runBlocks.put(head as Parameters<typeof db.runBlocks.put>[0]);
    expect(await db.runBlocks.get([REPO, -1])).not.toHaveProperty('writer');
    const t = start(db);
    await t.host.command({ type: 'open', repo: REPO, session: 1 });
    expect(t.last()).toMatchObject({ count: 3004, git: 4 });
    await expectAnswersEqualRowWise(db, t);
  });

  it('reads the rows instead of a snapshot of format 1 (blocks stored unpacked) and writes it again packed', async () => {
    const db = makeExperimentsDb(`host-format1-${Math.random()}`);
    await seedRows(db);
    const version = (await db.runStamps.get(REPO))?.version ?? 0;
    // A format-1 snapshot at the rows' stamp, of other runs: were it read, the table would show them.
    const other = encodeRunBlock(makeRuns(10, 2, 2, 7).map((r) => ({ ...r, id: `other-${r.id}` })));
    await db.runBlocks.put({ repo: REPO, part: 0, block: other });
    await db.runBlocks.put({ repo: REPO, part: -1, parts: 1, version, writer: 'old' });
    expect(await readStoredBlocks(db, REPO)).toBeNull();
    const t = start(db);
    await t.host.command({ type: 'open', repo: REPO, session: 1 });
    expect(t.last()).toMatchObject({ count: 3004, git: 4, loaded: true, reading: null });
    expect(t.ids().some((id) => id.startsWith('other-'))).toBe(false);
    await expectAnswersEqualRowWise(db, t);
    // Written again in this format, and the next open reads it.
    const snap = await until(() => readStoredBlocks(db, REPO));
    expect(snap.blocks.reduce((n, b) => n + b.count, 0)).toBe(3004);
    expect((await db.runBlocks.get([REPO, -1])) as { format?: number }).toMatchObject({
      format: PACKED_RUN_BLOCK_FORMAT,
    });
    expect(
      await db.runBlocks
        .where('repo')
        .equals(REPO)
        .filter((r) => 'block' in r)
        .count(),
    ).toBe(0);
    const again = start(db);
    await again.host.command({ type: 'open', repo: REPO, session: 1 });
    expect(again.last()).toMatchObject({ count: 3004, git: 4 });
    await expectAnswersEqualRowWise(db, again);
  });

  it('reads the rows instead of a snapshot with a damaged block', async () => {
    const db = makeExperimentsDb(`host-damaged-${Math.random()}`);
    await seedRows(db);
    const t = start(db);
    await t.host.command({ type: 'open', repo: REPO, session: 1 });
    const snap = await until(() => readStoredBlocks(db, REPO));
    const row = await db.runBlocks.get([REPO, 0]);
    if (!row || !('bytes' in row)) throw new Error('no block 0');
    // Its bytes cut short.
    const bytes = new Uint8Array(await row.bytes.arrayBuffer());
    await db.runBlocks.put({ ...row, bytes: new Blob([bytes.subarray(0, bytes.length - 8)]) });
    expect(await readStoredBlocks(db, REPO)).toBeNull();
    const again = start(db);
    await again.host.command({ type: 'open', repo: REPO, session: 1 });
    expect(again.last()).toMatchObject({ count: 3004, git: 4, loaded: true, reading: null });
    expect(snap.blocks.length).toBeGreaterThan(0);
    await expectAnswersEqualRowWise(db, again);
  });

  it('shows a first sync page by page, makes the snapshot once stored, and shows a git scan on reload', async () => {
    const db = makeExperimentsDb(`host-feed-${Math.random()}`);
    const t = start(db);
    await t.host.command({ type: 'open', repo: REPO, session: 1 });
    expect(t.last()).toMatchObject({ count: 0, loaded: true });
    const runs = makeRuns(2500, 3, 3);
    const pages = [runs.slice(0, 1000), runs.slice(1000, 2000), runs.slice(2000)];
    // An update of a run already synced comes in a later page.
    const updated = { ...(runs[5] as Run), metrics: { ...(runs[5] as Run).metrics, m0: 99 } };
    pages[2]?.push(updated);
    for (const [i, page] of pages.entries()) {
      const more = i < pages.length - 1;
      await t.host.command({ type: 'feed-page', block: encodeRunBlock(page), more });
      expect(t.last().count).toBe(Math.min(2500, (i + 1) * 1000));
      const version = await saveFeedPage(db, REPO, page, i + 1);
      await t.host.command({ type: 'feed-stored', version, more });
    }
    await t.host.command({ type: 'feed-done' });
    const top = t.ask({
      type: 'query',
      query: { filter: '', sort: 'metric:m0', direction: 'desc', summary: 'last' },
      from: 0,
      to: 1,
    });
    expect(top.rows[0]?.[1].id).toBe(updated.id);
    expect(top.order.length).toBe(2500);
    await expectAnswersEqualRowWise(db, t);
    const snap = await until(() => readStoredBlocks(db, REPO));
    expect(snap.blocks.reduce((n, b) => n + b.count, 0)).toBe(2500);

    await seedRows(db);
    await t.host.command({ type: 'reload' });
    expect(t.last()).toMatchObject({ count: 3004, git: 4 });
    await expectAnswersEqualRowWise(db, t);
  });

  it('a run updated by page after page of a long session keeps the runs held compact, and the page its ids', async () => {
    const db = makeExperimentsDb(`host-updates-${Math.random()}`);
    const t = start(db);
    await t.host.command({ type: 'open', repo: REPO, session: 1 });
    const runs = makeRuns(3000, 2, 2);
    await t.host.command({ type: 'feed-page', block: encodeRunBlock(runs), more: false });
    const firstEpoch = t.last().epoch;
    // A poll every few seconds, each with the one run that moved on.
    for (let n = 1; n <= 600; n++) {
      const updated = { ...(runs[7] as Run), metrics: { ...(runs[7] as Run).metrics, m0: 1000 + n } };
      await t.host.command({ type: 'feed-page', block: encodeRunBlock([updated]), more: false });
    }
    expect(t.last()).toMatchObject({ count: 3000 });
    // Rewritten on the way (600 one-run blocks otherwise), the page sent every id again.
    expect(t.last().epoch).toBeGreaterThan(firstEpoch);
    expect(t.last().slotCount).toBeLessThan(3000 + 600);
    const ids = t.ids();
    expect(ids.length).toBe(t.last().slotCount);
    const top = t.ask({
      type: 'query',
      query: { filter: '', sort: 'metric:m0', direction: 'desc', summary: 'last' },
      from: 0,
      to: 1,
    });
    expect(top.order.length).toBe(3000);
    expect(new Set(Array.from(top.order, (s) => ids[s])).size).toBe(3000);
    expect(top.rows[0]?.[1]).toMatchObject({ id: (runs[7] as Run).id, metrics: { m0: 1600 } });
  });

  it('writes the snapshot when a pull fails before any page (offline, no server)', async () => {
    const db = makeExperimentsDb(`host-offline-${Math.random()}`);
    await seedRows(db);
    const t = start(db);
    void t.host.command({ type: 'open', repo: REPO, session: 1 });
    // The page's pull fails while the rows are read (its word comes after the read).
    void t.host.command({ type: 'feed-failed' });
    await t.host.idle();
    const snap = await until(() => readStoredBlocks(db, REPO));
    expect(snap.blocks.reduce((n, b) => n + b.count, 0)).toBe(3004);
  });

  it('a visit during a read of rows left by the last one takes it up, and the snapshot is written', async () => {
    const db = makeExperimentsDb(`host-rejoin-${Math.random()}`);
    await seedRows(db);
    let rowsRead = 0;
    db.runs.hook('reading', (row) => {
      rowsRead++;
      return row;
    });
    // Left when the first rows show (the read goes on), and opened again at once.
    let left = false;
    const t = start(db, (m, host) => {
      if (left || m.type !== 'changed') return;
      left = true;
      expect(m.info.reading).not.toBeNull();
      void host.command({ type: 'close' });
      void host.command({ type: 'open', repo: REPO, session: 2 });
    });
    void t.host.command({ type: 'open', repo: REPO, session: 1 });
    await until(async () => (left ? true : null));
    await t.host.idle();
    const snap = await until(() => readStoredBlocks(db, REPO));
    expect(snap.blocks.reduce((n, b) => n + b.count, 0)).toBe(3004);
    // The second visit is shown every run, and keeps them once the snapshot is written.
    expect(t.last()).toMatchObject({ session: 2, count: 3004, loaded: true, reading: null });
    // Read once, not started again.
    expect(rowsRead).toBe(3004);
    await new Promise((r) => setTimeout(r, 500));
    await expectAnswersEqualRowWise(db, t);
  });
});
