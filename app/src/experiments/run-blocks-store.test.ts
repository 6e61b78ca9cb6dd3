/**
 * The columnar snapshot in the experiments database (fake-indexeddb): read back it equals the
 * rows it was made from (MLflow and git rows, git facts included); it is used only while it
 * equals the rows — any write to the runs after it (a feed page, a git scan) makes the read
 * answer null, and a snapshot made from rows the store has moved past is not written; blocks
 * rewritten alone (the others kept) still read back as the rows; and, under random interleavings
 * of feed pages and snapshot saves (fast-check), a snapshot that reads back is always equal to
 * the rows in the store.
 */
import { decodeRunBlock, encodeRunBlock, type Run } from '@cairn/core/runs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blocksOfRunRows, readSnapshotAsRows } from './run-blocks.test-support.ts';
import { columnsOf } from './run-columns.ts';
import {
  BLOCK_RUNS,
  loadRuns,
  makeExperimentsDb,
  type RunRow,
  readRunsInPages,
  readStoredBlocks,
  saveFeedPage,
  saveGitExperiments,
  saveStoredBlocks,
} from './run-store.ts';
import { makeRuns } from './test-runs.test-support.ts';

const REPO = 'ada/demo';
const info = {
  metricsState: 'present' as const,
  refs: ['main'],
  paramsFiles: ['params.yaml'],
  metricsFiles: [],
  dvcMetricsFiles: [],
  problems: [],
};

/** Rows as plain data, ordered by id (decoded runs build their summaries on first read). */
const canon = (rows: readonly RunRow[]) =>
  rows
    .map((r) => ({ ...r, run: { ...r.run, metricSummaries: r.run.metricSummaries } }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Saves the snapshot of `rows` whole: whether it was written. */
const saveAll = async (db: ReturnType<typeof makeExperimentsDb>, version: number, rows: readonly RunRow[]) =>
  (await saveStoredBlocks(db, REPO, version, blocksOfRunRows(rows))) !== null;

async function rowsNow(db: ReturnType<typeof makeExperimentsDb>) {
  let version = 0;
  const rows = await readRunsInPages(db, REPO, () => {}, {
    onVersion: (v) => {
      version = v;
    },
  });
  return { rows, version };
}

describe('the columnar snapshot of runs', { timeout: 60_000 }, () => {
  it('reads back equal to the rows it was made from, and only while they are unchanged', async () => {
    const db = makeExperimentsDb(`blocks-${Math.random()}`);
    expect(await readStoredBlocks(db, REPO)).toBeNull();
    await saveFeedPage(db, REPO, makeRuns(BLOCK_RUNS + 10, 4, 4), 1);
    const git = makeRuns(3, 2, 2, 7).map((r) => ({
      ...r,
      id: `c${r.id}`,
      source: { kind: 'git' as const, commit: `c${r.id}`, branch: 'main' },
    }));
    await saveGitExperiments(
      db,
      REPO,
      git.map((run) => ({ run, history: [], info })),
    );
    const { rows, version } = await rowsNow(db);
    expect(await saveAll(db, version, rows)).toBe(true);
    const firstParts: number[] = [];
    expect(await readStoredBlocks(db, REPO, (_block, part) => firstParts.push(part))).not.toBeNull();
    expect(firstParts).toEqual([0, 1]);
    const snap = await readSnapshotAsRows(db, REPO);
    expect(snap?.version).toBe(version);
    expect(canon(snap?.rows ?? [])).toStrictEqual(canon(rows));
    expect(snap?.rows.filter((r) => r.origin === 'git').map((r) => r.git)).toEqual([info, info, info]);

    // A feed page after it: the snapshot no longer equals the rows.
    await saveFeedPage(
      db,
      REPO,
      makeRuns(1, 1, 1, 3).map((r) => ({ ...r, id: 'late' })),
      2,
    );
    expect(await readStoredBlocks(db, REPO)).toBeNull();
    // A snapshot of rows the store has moved past is not written.
    expect(await saveAll(db, version, rows)).toBe(false);
    expect(await readStoredBlocks(db, REPO)).toBeNull();
    // A poll that found nothing new keeps a snapshot valid.
    const now = await rowsNow(db);
    expect(await saveAll(db, now.version, now.rows)).toBe(true);
    await saveFeedPage(db, REPO, [], 3);
    expect(canon((await readSnapshotAsRows(db, REPO))?.rows ?? [])).toStrictEqual(canon(await loadRuns(db, REPO)));
  });

  it('the table has the same columns from decoded runs (read once per uniform block) as from the rows', () => {
    const uniform = makeRuns(50, 3, 3);
    const mixed = makeRuns(20, 2, 4, 5).map((r, i) => (i % 3 ? r : { ...r, params: { ...r.params, extra: 'x' } }));
    const decoded = [...decodeRunBlock(encodeRunBlock(uniform)), ...decodeRunBlock(encodeRunBlock(mixed))].map(
      (d) => d.run,
    );
    expect(columnsOf(decoded)).toEqual(columnsOf([...uniform, ...mixed]));
  });

  it('rewrites only the blocks not kept and still reads back as the rows', async () => {
    const db = makeExperimentsDb(`blocks-dirty-${Math.random()}`);
    const runs = makeRuns(BLOCK_RUNS * 2 + 5, 2, 2);
    await saveFeedPage(db, REPO, runs, 1);
    const { rows, version } = await rowsNow(db);
    const writer = await saveStoredBlocks(db, REPO, version, blocksOfRunRows(rows));
    expect(writer).not.toBeNull();
    // One run of the second block changes, one run is added (a third block's worth grows).
    const changed: Run = { ...(rows[BLOCK_RUNS + 1] as RunRow).run, name: 'renamed' };
    const added: Run = { ...changed, id: 'zz-new', name: 'new' };
    const v2 = await saveFeedPage(db, REPO, [changed, added], 2);
    const next = rows.slice();
    next[BLOCK_RUNS + 1] = { ...(next[BLOCK_RUNS + 1] as RunRow), run: changed };
    next.push({ repo: REPO, id: added.id, origin: 'mlflow', run: added });
    // The first block is kept as stored: what is passed for it is not written (other runs here,
    // which must not show), only the blocks not kept are.
    const blocks = blocksOfRunRows(next);
    blocks[0] = blocksOfRunRows(
      makeRuns(3, 1, 1, 9).map((run) => ({ repo: REPO, id: `other-${run.id}`, origin: 'mlflow' as const, run })),
    )[0] as (typeof blocks)[0];
    expect(
      await saveStoredBlocks(db, REPO, v2, blocks, { writer: writer as string, parts: new Set([0]) }),
    ).not.toBeNull();
    const snap = await readSnapshotAsRows(db, REPO);
    expect(snap?.rows.map((r) => r.id)).toEqual(next.map((r) => r.id));
    expect(canon(snap?.rows ?? [])).toStrictEqual(canon(await loadRuns(db, REPO)));
  });

  it('a snapshot that reads back always equals the stored rows, whatever races it (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          const db = makeExperimentsDb(`blocks-race-${Math.random()}`);
          const pool = makeRuns(60, 2, 2);
          let since = 0;
          for (const [take, snapshot, racing] of steps) {
            const page = pool.slice(take, take + 7).map((r) => ({ ...r, name: `${r.name}-${since}` }));
            if (snapshot) {
              const { rows, version } = await rowsNow(db);
              // A save made from a read, racing (or not) the next feed page.
              const save = saveAll(db, version, rows);
              if (racing) await Promise.all([save, saveFeedPage(db, REPO, page, ++since)]);
              else {
                await save;
                await saveFeedPage(db, REPO, page, ++since);
              }
            } else await saveFeedPage(db, REPO, page, ++since);
            const snap = await readSnapshotAsRows(db, REPO);
            if (snap) expect(canon(snap.rows)).toStrictEqual(canon(await loadRuns(db, REPO)));
          }
          db.close();
        },
      ),
      { numRuns: 20 },
    );
  });
});
