/**
 * The runs table's worker model answers exactly what the row-wise table code answers (fast-check:
 * generated MLflow runs and git experiments with missing keys, NaN and infinite metrics, numeric
 * and text params, null times, notes; split into blocks at random, some runs coming again in a
 * later block as a feed page's update does): its filter + sort permutation equals filterRuns +
 * sortRuns of the live runs in run id order (the store's), for every column kind, summary, direction and filter form
 * (MLflow syntax, loose numbers, plain words, `note`); the runs it hands out for rows equal the
 * keyed runs; its columns equal columnsOf; groups, differing columns and CSV equal the row-wise
 * ones; and its stored blocks decode to the live rows as the store holds them.
 */
import { decodeRunBlock, encodeRunBlock, RUN_STATUSES, type Run, type RunNotes } from '@cairn/core/runs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyedRun } from './keyed-runs.ts';
import { columnsOfRuns } from './pc-columns.ts';
import { type Column, columnsOf, differingColumns, type MetricSummaryKind, parseColumnId } from './run-columns.ts';
import { filterRuns, groupRuns, sortRuns } from './run-table.ts';
import { plainRun, RunTableModel } from './run-table-model.ts';
import { runsToCsv } from './runs-csv.ts';

const text = fc.constantFrom('a', 'b', 'ab', 'B', '10', '9', '', '0.5', 'adam', ' 3 ');
const num = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 2, 10, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.double({ min: -5, max: 5, noNaN: true }),
);
const someOf = <T>(keys: string[], value: fc.Arbitrary<T>) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: keys.length })
    .map((e) => Object.fromEntries(e) as Record<string, T>);

interface Spec {
  git: boolean;
  id: number;
  name: string;
  status: (typeof RUN_STATUSES)[number];
  startTime: number | null;
  user: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  withSummaries: boolean;
  tags: Record<string, string>;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  git: fc.boolean(),
  id: fc.integer({ min: 0, max: 30 }),
  name: text,
  status: fc.constantFrom(...RUN_STATUSES),
  startTime: fc.option(fc.constantFrom(0, 5, 10, 1_700_000_000_000), { nil: null }),
  user: fc.constantFrom('ada', 'bob'),
  params: someOf(['p0', 'lr', 'params.yaml:lr'], text),
  metrics: someOf(['m0', 'loss', 'metrics.csv:m0'], num),
  withSummaries: fc.boolean(),
  tags: someOf(['t', 'team', 'cairn.metrics_state'], fc.constantFrom('a', 'B', 'in-dvc-data', 'present')),
});

const sampleSpec: Spec = {
  git: false,
  id: 0,
  name: 'a',
  status: 'FINISHED',
  startTime: 5,
  user: 'ada',
  params: { p0: 'adam' },
  metrics: { m0: 0.5 },
  withSummaries: true,
  tags: { t: 'a' },
};

function runOf(s: Spec): { run: Run; extra: string | null } {
  const summaries: Run['metricSummaries'] = {};
  if (s.withSummaries)
    for (const [k, v] of Object.entries(s.metrics))
      summaries[k] = { last: v, min: v - 1, max: v + 1, step: 3, timestamp: 7, count: 2 };
  const id = `r${s.id}`;
  const run: Run = {
    id,
    source: s.git
      ? { kind: 'git', commit: `c${s.id}`, branch: 'main' }
      : { kind: 'mlflow', runId: id, experimentId: '0' },
    name: s.name,
    status: s.status,
    lifecycleStage: 'active',
    startTime: s.startTime,
    endTime: null,
    userId: s.user,
    artifactUri: '',
    params: s.git ? s.params : Object.fromEntries(Object.entries(s.params).filter(([k]) => !k.includes(':'))),
    metrics: s.git ? s.metrics : Object.fromEntries(Object.entries(s.metrics).filter(([k]) => !k.includes(':'))),
    metricSummaries: summaries,
    tags: s.tags,
  };
  return { run, extra: s.git ? JSON.stringify({ refs: ['main'] }) : null };
}

/** Blocks of generated runs (an id may come again in a later block) and the notes of some. */
const world = fc.record({
  blocks: fc.array(fc.array(spec, { minLength: 1, maxLength: 12 }), { maxLength: 5 }),
  /** Blocks rewritten as soon as a slot is dead (small blocks), or at the app's thresholds. */
  compactOften: fc.boolean(),
  notes: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom('good run', 'Baseline\nmore', '', '# x')), {
    maxLength: 8,
  }),
});

function build(
  w: { blocks: Spec[][]; compactOften: boolean; notes: [number, string][] },
  /** Called after each block with the keyed live runs so far, in run id order. */
  afterBlock?: (model: RunTableModel, keyed: Run[]) => void,
) {
  const model = w.compactOften ? new RunTableModel({ blockRuns: 3, minDead: 1 }) : new RunTableModel();
  // The rows as the table code held them: one per id, an update in place of the old run…
  const rows = new Map<string, { run: Run; extra: string | null }>();
  for (const specs of w.blocks) {
    // …and one block never holds an id twice (a feed page or a store read does not).
    const runs = [...new Map(specs.map((s) => [s.id, runOf(s)])).values()];
    model.add(
      encodeRunBlock(
        runs.map((r) => r.run),
        (_r, i) => runs[i]?.extra ?? null,
      ),
    );
    // As the runs table's host does after every feed page (slots numbered again when it did).
    model.compactIfSparse();
    for (const r of runs) {
      rows.delete(r.run.id);
      rows.set(r.run.id, r);
    }
    if (afterBlock) {
      const sofar = [...rows.values()].sort((a, b) => (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0));
      afterBlock(
        model,
        sofar.map((r) => keyedRun(r.run)),
      );
    }
  }
  const notes: RunNotes = new Map(w.notes.map(([i, t]) => [`r${i}`, t]));
  // …which it held in run id order (as read from the store, and after a sync).
  const live = [...rows.values()].sort((a, b) => (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0));
  return { model, live, keyed: live.map((r) => keyedRun(r.run)), notes };
}

const filters = fc.oneof(
  fc.constantFrom(
    '',
    'metrics.m0 > 0.5',
    'metrics.loss <= 1 OR metrics.m0 = 0',
    "params.p0 = 'a'",
    'params.lr = 10',
    "params.lr IN ('10', '9')",
    "tags.t != 'a' AND attributes.status = 'FINISHED'",
    "note ILIKE '%good%'",
    "note = ''",
    'ab',
    'B',
    "attributes.user_id = 'bob'",
    'metrics.nope > 1',
    'params.p0 =',
  ),
  fc
    .tuple(fc.constantFrom('m0', 'loss'), fc.constantFrom('<', '>=', '!='), fc.double({ min: -3, max: 3, noNaN: true }))
    .map(([k, op, v]) => `metrics.${k} ${op} ${v}`),
);
const columns = fc.constantFrom(
  'metric:m0',
  'metric:loss',
  'metric:nope',
  'param:p0',
  'param:lr',
  'tag:t',
  'tag:cairn.metrics_state',
  'attr:name',
  'attr:status',
  'attr:start_time',
  'attr:source',
  'attr:user',
  'attr:note',
);
const summaries = fc.constantFrom<MetricSummaryKind>('last', 'min', 'max');
const directions = fc.constantFrom<'asc' | 'desc'>('asc', 'desc');
const ids = (runs: readonly Run[]) => runs.map((r) => r.id);

describe('the runs table worker model', () => {
  it('filters and sorts to the same runs, in the same order, as filterRuns + sortRuns', () => {
    fc.assert(
      fc.property(
        world,
        filters,
        fc.option(columns, { nil: null }),
        directions,
        summaries,
        fc.boolean(),
        (w, filter, sort, direction, summary, withNotes) => {
          const { model, keyed, notes } = build(w);
          const given = withNotes ? notes : undefined;
          const f = filterRuns(keyed, filter, given);
          const expected = f.ok
            ? sortRuns(
                f.runs,
                parseColumnId(sort ?? 'attr:start_time') as Column,
                sort ? direction : 'desc',
                summary,
                given,
              )
            : [];
          const order = model.query({ filter, sort, direction, summary, notes: given });
          expect(model.ids().length).toBe(model.slotCount);
          const slotIds = model.ids();
          expect(Array.from(order, (s) => slotIds[s])).toEqual(ids(expected));
          expect(model.count).toBe(keyed.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers queries one after another as blocks come in (orders reused, then made again) as filterRuns + sortRuns', () => {
    const query = fc.tuple(filters, fc.option(columns, { nil: null }), directions, summaries);
    fc.assert(
      fc.property(
        world,
        fc.array(query, { minLength: 1, maxLength: 5 }),
        fc.array(query, { minLength: 1, maxLength: 5 }),
        (w, during, after) => {
          const check = (
            model: RunTableModel,
            keyed: Run[],
            [filter, sort, direction, summary]: (typeof during)[0],
          ) => {
            const f = filterRuns(keyed, filter);
            const expected = f.ok
              ? sortRuns(f.runs, parseColumnId(sort ?? 'attr:start_time') as Column, sort ? direction : 'desc', summary)
              : [];
            const slotIds = model.ids();
            const order = model.query({ filter, sort, direction, summary });
            expect(Array.from(order, (s) => slotIds[s])).toEqual(ids(expected));
          };
          let b = 0;
          const { model, keyed } = build(w, (m, sofar) =>
            check(m, sofar, during[b++ % during.length] as (typeof during)[0]),
          );
          for (const q of [...after, ...during]) check(model, keyed, q);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands out the rows, columns and counts the row-wise table shows', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { model, keyed, live } = build(w);
        const order = model.query({ filter: '', sort: 'attr:name', direction: 'asc', summary: 'last' });
        const byId = new Map(keyed.map((r) => [r.id, r]));
        for (const slot of order) {
          const got = model.runAt(slot);
          const want = byId.get(got.id) as Run;
          expect(structuredClone(got)).toEqual(structuredClone(plainRun(want)));
          expect(model.runById(got.id)).toEqual(got);
        }
        expect(model.columns()).toEqual(columnsOf(keyed));
        expect(model.stats()).toEqual({
          git: live.filter((r) => r.extra !== null).length,
          metricsOutsideGit: keyed.some((r) => r.tags['cairn.metrics_state'] === 'in-dvc-data'),
        });
        // The stored blocks are the live rows as stored (not keyed), in slot order.
        const stored = model.storedBlocks().flatMap((b) => decodeRunBlock(b));
        expect(
          stored
            .map((d) => ({ run: structuredClone(plainRun(d.run)), extra: d.extra }))
            .sort((a, b) => (a.run.id < b.run.id ? -1 : 1)),
        ).toEqual(
          live
            .map((r) => ({ run: structuredClone(r.run), extra: r.extra }))
            .sort((a, b) => (a.run.id < b.run.id ? -1 : 1)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the blocks and slots of a run updated by a thousand feed pages bounded, and its latest values', () => {
    const model = new RunTableModel();
    const runs = Array.from({ length: 3000 }, (_, i) => runOf({ ...sampleSpec, id: i }).run);
    model.add(encodeRunBlock(runs));
    const updated = (n: number): Run => ({ ...(runs[7] as Run), metrics: { m0: n }, metricSummaries: {} });
    let compactions = 0;
    for (let n = 1; n <= 1000; n++) {
      // A poll's page: the one run that moved on, and now and then a page of a hundred.
      const page = n % 100 === 0 ? [updated(n), ...runs.slice(1000, 1100)] : [updated(n)];
      model.add(encodeRunBlock(page));
      if (model.compactIfSparse()) {
        compactions++;
        // What a compaction leaves is not rewritten again at once.
        expect(model.compactIfSparse()).toBe(false);
      }
    }
    expect(model.count).toBe(3000);
    // Without compaction: 1,001 blocks and 4,000 slots (3,000 live).
    expect(compactions).toBeGreaterThan(0);
    expect(model.blockCount).toBeLessThanOrEqual(2 * Math.ceil(3000 / 2048) + 8);
    expect(model.slotCount).toBeLessThan(3000 + 2048);
    expect(model.runById('r7')?.metrics).toEqual({ m0: 1000 });
    expect(new Set(model.ids().filter((id) => id === 'r7' || id === 'r1050')).size).toBe(2);
    const order = model.query({ filter: 'metrics.m0 >= 1000', sort: null, direction: 'asc', summary: 'last' });
    expect(Array.from(order, (s) => model.ids()[s])).toEqual(['r7']);
    // The stored form is every live run once.
    const stored = model.storedBlocks().flatMap((b) => decodeRunBlock(b).map((d) => d.run.id));
    expect(stored.length).toBe(3000);
    expect(new Set(stored).size).toBe(3000);
  });

  it("reads the plot's columns of the shown runs, in their order, as the plot reads them from the runs", () => {
    const plotted = fc.uniqueArray(columns, { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(
        world,
        filters,
        fc.option(columns, { nil: null }),
        summaries,
        plotted,
        (w, filter, sort, summary, cols) => {
          const { model, keyed } = build(w);
          const shown = model.query({ filter, sort, direction: 'asc', summary });
          const byId = new Map(keyed.map((r) => [r.id, r]));
          const slotIds = model.ids();
          const runs = Array.from(shown, (s) => byId.get(slotIds[s] as string) as Run);
          const specs = cols.map((id, i) => ({ col: parseColumnId(id) as Column, log: i % 2 === 0 }));
          expect(model.plotColumns(shown, specs, summary)).toEqual(columnsOfRuns(runs, specs, summary));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('groups, finds the differing columns and writes the CSV as the row-wise code does', () => {
    fc.assert(
      fc.property(world, filters, summaries, (w, filter, summary) => {
        const { model, keyed, notes } = build(w);
        const order = model.query({ filter, sort: 'metric:m0', direction: 'desc', summary, notes });
        const slotIds = model.ids();
        const byId = new Map(keyed.map((r) => [r.id, r]));
        const shown = Array.from(order, (s) => byId.get(slotIds[s] as string) as Run);
        const cols = columnsOf(keyed);
        const metricCols = cols.filter((c) => c.kind === 'metric');
        const by = parseColumnId('param:p0') as Column;
        const want = groupRuns(shown, by, metricCols, summary);
        const got = model.groups(order, by, metricCols, summary);
        expect(
          got.map((g) => ({ value: g.value, aggregates: g.aggregates, ids: Array.from(g.slots, (s) => slotIds[s]) })),
        ).toEqual(want.map((g) => ({ value: g.value, aggregates: g.aggregates, ids: ids(g.runs) })));
        expect(model.differing(order, cols, summary, notes)).toEqual(
          differingColumns(shown, cols, summary, notes).map((c) => c.id),
        );
        expect(model.csv(order, cols, summary, notes)).toBe(runsToCsv(shown, cols, summary, notes));
      }),
      { numRuns: 200 },
    );
  });
});
