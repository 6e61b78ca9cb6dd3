/**
 * Reading a repository's runs in pages (fake-indexeddb): every run once, the first page small,
 * other repositories' runs never mixed in, and — since all pages are one read transaction —
 * a write made while the pages are being read (runs deleted, runs added) is not half-seen:
 * the read shows the store as it was, the next read shows it as it is.
 */
import type { Run } from '@cairn/core/runs';
import { describe, expect, it } from 'vitest';
import { getRuns, loadRuns, makeExperimentsDb, type RunRow, readRunsInPages, saveGitExperiments } from './run-store.ts';
import { makeRuns } from './test-runs.test-support.ts';

const info = {
  metricsState: 'present' as const,
  refs: ['main'],
  paramsFiles: [],
  metricsFiles: [],
  dvcMetricsFiles: [],
  problems: [],
};
const asGit = (runs: Run[]) => runs.map((run) => ({ run, history: [], info }));
const ids = (rows: readonly RunRow[]) => rows.map((r) => r.id).sort();

describe('reading runs in pages', () => {
  it('reads every run of the repository once, the first page first', async () => {
    const db = makeExperimentsDb(`exp-pages-${Math.random()}`);
    const runs = makeRuns(230, 3, 3);
    await db.runs.bulkPut(runs.map((run) => ({ repo: 'ada/demo', id: run.id, origin: 'mlflow' as const, run })));
    await db.runs.bulkPut(
      makeRuns(7, 1, 1, 9).map((run) => ({ repo: 'bob/other', id: `o${run.id}`, origin: 'mlflow' as const, run })),
    );
    const pages: { read: number; total: number | null; done: boolean }[] = [];
    const got = await readRunsInPages(
      db,
      'ada/demo',
      (sofar, total, done) => pages.push({ read: sofar.length, total, done }),
      {
        firstPage: 10,
      },
    );
    expect(ids(got)).toEqual(runs.map((r) => r.id).sort());
    expect(new Set(got.map((r) => r.id)).size).toBe(230);
    expect(got.every((r) => r.repo === 'ada/demo')).toBe(true);
    expect(pages[0]).toMatchObject({ read: 10, done: false });
    // The count (progress only) comes after the first page, then stays right.
    expect(pages.slice(1).every((p) => p.total === 230)).toBe(true);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.at(-1)).toEqual({ read: 230, total: 230, done: true });
    // Same rows as the one-request read.
    expect(got).toEqual((await loadRuns(db, 'ada/demo')).sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(await readRunsInPages(db, 'nobody/none', () => {})).toEqual([]);
    db.close();
  });

  it('a save while the pages are read is either wholly seen or not at all', async () => {
    const db = makeExperimentsDb(`exp-pages-race-${Math.random()}`);
    const runs = makeRuns(120, 2, 2);
    await saveGitExperiments(db, 'ada/demo', asGit(runs));
    // The next scan: run0..run9 gone (their ids sort late or early alike), one new run.
    const [added] = makeRuns(1, 2, 2, 5).map((r) => ({ ...r, id: 'run000-new' }));
    const next = [...runs.slice(10), added as Run];
    let save: Promise<void> | null = null;
    const got = await readRunsInPages(
      db,
      'ada/demo',
      () => {
        save ??= saveGitExperiments(db, 'ada/demo', asGit(next));
      },
      // Pages of 5: the save has every chance to land between two of them.
      { firstPage: 5, targetMs: 0.0001 },
    );
    expect(ids(got)).toEqual(runs.map((r) => r.id).sort());
    await save;
    const after = await readRunsInPages(db, 'ada/demo', () => {}, { firstPage: 5 });
    expect(ids(after)).toEqual(next.map((r) => r.id).sort());
    expect(after.some((r) => r.id === 'run0')).toBe(false);
    expect(after.some((r) => r.id === 'run000-new')).toBe(true);
    db.close();
  });
});

describe('reading chosen runs in pages (the compare page)', () => {
  it('gives the stored ones in the order asked, whatever the page size, none of another repository', async () => {
    const db = makeExperimentsDb(`exp-get-${Math.random()}`);
    const runs = makeRuns(450, 2, 2);
    await db.runs.bulkPut(runs.map((run) => ({ repo: 'ada/demo', id: run.id, origin: 'mlflow' as const, run })));
    await db.runs.put({
      repo: 'bob/other',
      id: 'elsewhere',
      origin: 'mlflow',
      run: { ...runs[0], id: 'elsewhere' } as Run,
    });
    // Reversed, with ids that are not stored (here) among them.
    const asked = [...runs.map((r) => r.id)].reverse();
    asked.splice(7, 0, 'missing-1');
    asked.splice(300, 0, 'elsewhere');
    const want = runs.map((r) => r.id).reverse();
    for (const page of [1000, 200, 7]) {
      const got = await getRuns(db, 'ada/demo', asked, page);
      expect(got?.map((r) => r.id)).toEqual(want);
    }
  });

  it('gives null once the caller no longer wants them, as soon as a page arrives', async () => {
    const db = makeExperimentsDb(`exp-get-${Math.random()}`);
    const runs = makeRuns(50, 1, 1);
    await db.runs.bulkPut(runs.map((run) => ({ repo: 'ada/demo', id: run.id, origin: 'mlflow' as const, run })));
    let asks = 0;
    const got = await getRuns(
      db,
      'ada/demo',
      runs.map((r) => r.id),
      10,
      () => ++asks >= 2,
    );
    expect(got).toBeNull();
    expect(asks).toBe(2);
  });
});
