/**
 * Pulling the run feed into the store page by page (fake-indexeddb, the server's answers
 * stubbed at `fetch`): every page is stored with its position before the next is asked for,
 * `onPage` sees each page's runs as they arrive (a first sync shows runs early), a pull cut
 * short resumes where it stopped, cached histories are dropped only for runs whose metrics
 * moved on, and a read of the store racing a sync sees whole pages only.
 */
import type { Run } from '@cairn/core/runs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { historyRowOf, loadRuns, makeExperimentsDb, readRunsInPages, saveFeedPage } from './run-store.ts';
import { FEED_PAGE, FIRST_FEED_PAGE, pullRunFeed, pullRunFeedWith } from './server-runs.ts';
import { makeRuns } from './test-runs.test-support.ts';

const REPO = 'ada/demo';
const SERVER = 'http://cairn.test';

/** A feed over `runs` (sequence = position + 1), cut at `limit`; fails on call `failAt` if set. */
function stubFeed(runs: Run[], opts: { failAt?: number } = {}) {
  const asked: number[] = [];
  const fetchMock = vi.fn(async (input: string | URL) => {
    const url = new URL(String(input));
    const since = Number(url.searchParams.get('since'));
    const limit = Number(url.searchParams.get('limit'));
    asked.push(since);
    if (opts.failAt !== undefined && asked.length === opts.failAt) throw new TypeError('network down');
    const page = runs.slice(since, since + limit);
    const more = since + limit < runs.length;
    const seq = more ? since + limit : runs.length;
    return new Response(JSON.stringify({ runs: page, seq, next: more ? seq : null }), {
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return asked;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const ids = (runs: readonly { id: string }[]) => runs.map((r) => r.id).sort();

describe('pulling the run feed', { timeout: 60_000 }, () => {
  it('stores every page with its position and hands each page over as it arrives', async () => {
    const db = makeExperimentsDb(`feed-${Math.random()}`);
    const runs = makeRuns(FIRST_FEED_PAGE + FEED_PAGE + 17, 2, 2);
    const asked = stubFeed(runs);
    const pages: { n: number; more: boolean }[] = [];
    const changed = await pullRunFeed(db, SERVER, REPO, (page, more) => {
      pages.push({ n: page.length, more });
    });
    expect(changed).toBe(runs.length);
    // A small first page (shown at once), then full ones.
    expect(asked).toEqual([0, FIRST_FEED_PAGE, FIRST_FEED_PAGE + FEED_PAGE]);
    expect(pages.map((p) => [p.n, p.more])).toEqual([
      [FIRST_FEED_PAGE, true],
      [FEED_PAGE, true],
      [17, false],
    ]);
    expect(ids(await loadRuns(db, REPO))).toEqual(ids(runs));
    expect((await db.feeds.get(REPO))?.since).toBe(runs.length);
    // Nothing new: one request, no page handed over.
    const again: number[] = [];
    stubFeed(runs);
    expect(await pullRunFeed(db, SERVER, REPO, (p) => again.push(p.length))).toBe(0);
    expect(again).toEqual([]);
  });

  it('hands each page over once parsed, before it is stored, and stores every page in order behind', async () => {
    const db = makeExperimentsDb(`feed-parsed-${Math.random()}`);
    const runs = makeRuns(FIRST_FEED_PAGE + 2 * FEED_PAGE + 3, 1, 1);
    stubFeed(runs);
    const events: string[] = [];
    const changed = await pullRunFeedWith(
      db,
      REPO,
      async (since, limit) => (await fetch(`${SERVER}/feed?since=${since}&limit=${limit}`)).json(),
      (page, more) => events.push(`stored ${page[0]?.id} ${page.length} ${more}`),
      (page, more) => events.push(`parsed ${page[0]?.id} ${page.length} ${more}`),
    );
    expect(changed).toBe(runs.length);
    const pages = [
      `${runs[0]?.id} ${FIRST_FEED_PAGE} true`,
      `${runs[FIRST_FEED_PAGE]?.id} ${FEED_PAGE} true`,
      `${runs[FIRST_FEED_PAGE + FEED_PAGE]?.id} ${FEED_PAGE} true`,
      `${runs[FIRST_FEED_PAGE + 2 * FEED_PAGE]?.id} 3 false`,
    ];
    // Every page is shown, then stored, both in the feed's order.
    expect(events.filter((e) => e.startsWith('parsed')).map((e) => e.slice(7))).toEqual(pages);
    expect(events.filter((e) => e.startsWith('stored')).map((e) => e.slice(7))).toEqual(pages);
    for (const p of pages) expect(events.indexOf(`parsed ${p}`)).toBeLessThan(events.indexOf(`stored ${p}`));
    expect(ids(await loadRuns(db, REPO))).toEqual(ids(runs));
    expect((await db.feeds.get(REPO))?.since).toBe(runs.length);
  });

  it('a second pull of a repository while one is storing waits for it and fetches only what is new', async () => {
    const db = makeExperimentsDb(`feed-twice-${Math.random()}`);
    const runs = makeRuns(FIRST_FEED_PAGE + FEED_PAGE + 5, 1, 1);
    const asked = stubFeed(runs);
    const handed: string[] = [];
    const pull = (who: string) =>
      pullRunFeedWith(
        db,
        REPO,
        async (since, limit) => (await fetch(`${SERVER}/feed?since=${since}&limit=${limit}`)).json(),
        undefined,
        (page) => handed.push(`${who} ${page.length}`),
      );
    // A page left during its first sync and opened again: two pulls at once.
    const [first, second] = await Promise.all([pull('first'), pull('second')]);
    expect(first).toBe(runs.length);
    expect(second).toBe(0);
    // Every page fetched and handed over once; the second asked from where the first ended.
    expect(handed).toEqual([`first ${FIRST_FEED_PAGE}`, `first ${FEED_PAGE}`, 'first 5']);
    expect(asked).toEqual([0, FIRST_FEED_PAGE, FIRST_FEED_PAGE + FEED_PAGE, runs.length]);
    expect(ids(await loadRuns(db, REPO))).toEqual(ids(runs));
  });

  it('a pull cut short keeps the pages stored and resumes after them', async () => {
    const db = makeExperimentsDb(`feed-cut-${Math.random()}`);
    const runs = makeRuns(FIRST_FEED_PAGE + FEED_PAGE + 5, 1, 1);
    stubFeed(runs, { failAt: 2 });
    await expect(pullRunFeed(db, SERVER, REPO)).rejects.toThrow();
    expect((await db.feeds.get(REPO))?.since).toBe(FIRST_FEED_PAGE);
    expect(await db.runs.count()).toBe(FIRST_FEED_PAGE);
    const asked = stubFeed(runs);
    expect(await pullRunFeed(db, SERVER, REPO)).toBe(FEED_PAGE + 5);
    expect(asked[0]).toBe(FIRST_FEED_PAGE);
    expect(ids(await loadRuns(db, REPO))).toEqual(ids(runs));
  });

  it('drops cached histories only of runs whose metrics moved on', async () => {
    const db = makeExperimentsDb(`feed-hist-${Math.random()}`);
    const runs = makeRuns(6, 1, 2);
    await saveFeedPage(db, REPO, runs, 6);
    const point = [{ key: 'm0', value: 1, step: 1, timestamp: 1 }];
    for (const r of runs) await db.histories.put(historyRowOf(REPO, r.id, 'm0', point));
    const moved = structuredClone(runs[1] as Run);
    (moved.metricSummaries.m0 as { last: number }).last = 42;
    moved.metrics.m0 = 42;
    const same = structuredClone(runs[2] as Run);
    same.tags.note = 'tagged';
    await saveFeedPage(db, REPO, [moved, same, ...makeRuns(1, 1, 1, 5).map((r) => ({ ...r, id: 'new' }))], 8);
    const left = (await db.histories.toArray()).map((h) => h.runId).sort();
    expect(left).toEqual(ids(runs.filter((r) => r.id !== moved.id)));
    expect((await db.runs.get([REPO, moved.id]))?.run.metrics.m0).toBe(42);
  });

  it('a read racing a sync sees whole feed pages, never part of one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 40 }),
        async (n, pageSize, firstPage) => {
          const db = makeExperimentsDb(`feed-race-${Math.random()}`);
          const runs = makeRuns(n, 1, 1);
          const pages: Run[][] = [];
          for (let i = 0; i < n; i += pageSize) pages.push(runs.slice(i, i + pageSize));
          const saves = (async () => {
            let since = 0;
            for (const p of pages) {
              since += p.length;
              await saveFeedPage(db, REPO, p, since);
            }
          })();
          const read = readRunsInPages(db, REPO, () => {}, { firstPage });
          const [got] = await Promise.all([read, saves]);
          // A prefix of whole pages, each run once.
          const whole = new Set<number>([0]);
          let s = 0;
          for (const p of pages) {
            s += p.length;
            whole.add(s);
          }
          expect(whole.has(got.length)).toBe(true);
          expect(ids(got)).toEqual(ids(runs.slice(0, got.length)));
          db.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
