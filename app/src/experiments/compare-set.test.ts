/**
 * The compare page's runs as its worker holds them (compare-set.ts, compare-host.ts): what the
 * page is told — summary, default metric, ranking, table runs, history keys, typed columns —
 * must be what it computed itself from the runs before they moved off its thread.
 */
import { type Run, unifyRunKeys } from '@cairn/core/runs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompareHost } from './compare-host.ts';
import { CompareSet, chartedMetric, varyingMetrics } from './compare-set.ts';
import { columnsOfRuns } from './pc-columns.ts';
import { cellValue, columnsOf, differingColumns, parseColumnId } from './run-columns.ts';
import { makeExperimentsDb, saveFeedPage } from './run-store.ts';
import { makeRuns } from './test-runs.test-support.ts';

const withMetric = (runs: Run[], key: string, values: (number | undefined)[]): Run[] =>
  runs.map((r, i) => {
    const metrics = { ...r.metrics };
    const metricSummaries = { ...r.metricSummaries };
    const v = values[i];
    if (v === undefined) {
      delete metrics[key];
      delete metricSummaries[key];
    } else {
      metrics[key] = v;
      metricSummaries[key] = { last: v, min: v, max: v, step: 1, timestamp: 1, count: 1 };
    }
    return { ...r, metrics, metricSummaries };
  });

/** A git experiment whose metric is named by its file, as the scanner stores it. */
const gitRun = (id: string, commit: string, iou: number): Run => ({
  id,
  source: { kind: 'git', commit, branch: 'main' },
  name: `exp-${id}`,
  status: 'FINISHED',
  lifecycleStage: 'active',
  startTime: 1_700_000_000_000,
  endTime: null,
  userId: '',
  artifactUri: '',
  params: { 'params.yaml:lr': '0.1' },
  metrics: { 'metrics.csv:val_iou': iou },
  metricSummaries: { 'metrics.csv:val_iou': { last: iou, min: iou, max: iou, step: 3, timestamp: 1, count: 4 } },
  tags: {},
});

describe('the compared runs, held by the compare worker', () => {
  it('summarises them as the page did: columns without attributes, which differ, how many runs have each metric', () => {
    const runs = withMetric(makeRuns(6, 3, 2), 'val_acc', [0.7, undefined, 0.9, 0.8, undefined, 0.75]);
    const set = new CompareSet(runs);
    const s = set.summary();
    const cols = columnsOf(runs).filter((c) => c.kind !== 'attr');
    expect(s.cols).toEqual(cols);
    expect(new Set(s.differing)).toEqual(new Set(differingColumns(runs, cols, 'last').map((c) => c.id)));
    expect(s.valued['metric:val_acc']).toBe(4);
    expect(s.valued['metric:m0']).toBe(6);
    expect(s.runs.map((r) => [r.id, r.name, r.startTime])).toEqual(runs.map((r) => [r.id, r.name, r.startTime]));
    // The light record is all the page holds of a run: no params, metrics or tags.
    expect(Object.keys(s.runs[0] as object).sort()).toEqual(['id', 'name', 'source', 'startTime']);
  });

  it('charts the metric asked for, else one that varies and most runs have, validation first among equals', () => {
    const runs = withMetric(withMetric(makeRuns(4, 1, 0), 'loss', [1, 2, 3, 4]), 'val_loss', [4, 3, 2, 1]);
    const set = new CompareSet(runs);
    const s = set.summary();
    const differing = new Set(s.differing);
    expect(varyingMetrics(s.cols, differing, s.valued).map((c) => c.key)).toEqual(['val_loss', 'loss']);
    expect(chartedMetric(null, s.cols, differing, s.valued)).toBe('val_loss');
    expect(chartedMetric('loss', s.cols, differing, s.valued)).toBe('loss');
    expect(set.view(null, null, 50).metric).toBe('val_loss');
  });

  it('ranks best first (lowest loss), names the best run by position, and puts brushed runs first in the table', () => {
    const runs = withMetric(makeRuns(5, 1, 0), 'val_loss', [0.5, 0.2, 0.9, undefined, 0.3]);
    const set = new CompareSet(runs);
    const v = set.view('val_loss', null, 50);
    expect(v.table.map((r) => r.id)).toEqual(['run1', 'run4', 'run0', 'run2', 'run3']);
    expect(v.best).toEqual({ index: 1, value: 0.2 });
    expect(v.lowerIsBetter).toBe(true);
    expect(v.withValue).toBe(4);
    // Brushed: runs 2 and 3 first (best first among them), then the rest best first; at most 3.
    const b = set.view('val_loss', [3, 2], 3);
    expect(b.table.map((r) => r.id)).toEqual(['run2', 'run3', 'run1']);
    // The table's runs are whole runs (the table shows every param and metric).
    expect(b.table[0]?.params).toEqual(runs[2]?.params);
  });

  it("keys each run's history as its store does: a git run by its file's name of the metric", () => {
    const runs = [unifyRunKeys(gitRun('c1', 'a'.repeat(40), 0.5)), unifyRunKeys(gitRun('c2', 'b'.repeat(40), 0.7))];
    const set = new CompareSet(runs);
    const v = set.view(null, null, 50);
    expect(v.metric).toBe('val_iou');
    expect(v.historyKeys).toEqual(['metrics.csv:val_iou', 'metrics.csv:val_iou']);
    expect(v.best?.index).toBe(1);
    expect(set.summary().commits).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
  });

  it('answers the columns of any runs in any order as the page read them from the runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.constantFrom('last', 'min', 'max' as const),
        (n, picks, summary) => {
          const runs = makeRuns(n, 3, 3, n);
          const set = new CompareSet(runs);
          const slots = Uint32Array.from(picks, (p) => p % n);
          const specs = ['param:p0', 'param:p1', 'metric:m2', 'tag:team', 'metric:absent'].map((id) => ({
            col: parseColumnId(id) as NonNullable<ReturnType<typeof parseColumnId>>,
            log: id === 'metric:m2',
          }));
          const got = set.columns(slots, specs, summary).columns;
          const want = columnsOfRuns(
            Array.from(slots, (s) => runs[s] as Run),
            specs,
            summary,
          );
          expect(got).toEqual(want);
          // A slot past the runs is left out of the answer, not read as a missing run.
          const past = set.columns(Uint32Array.of(0, n, n - 1), specs, summary);
          expect(Array.from(past.slots)).toEqual([0, n - 1]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never loses or repeats a run in the table, and its best has the best value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { nil: undefined }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        (values, brushPicks, loss) => {
          const key = loss ? 'val_loss' : 'val_acc';
          // -0 and 0 tie; the best of a tie is either, so only one of them is generated.
          const plain = values.map((x) => (x === undefined ? x : x + 0));
          const runs = withMetric(makeRuns(values.length, 1, 0), key, plain);
          const set = new CompareSet(runs);
          const brushed = [...new Set(brushPicks.map((p) => p % values.length))];
          const v = set.view(key, brushed.length ? brushed : null, values.length);
          const ids = v.table.map((r) => r.id);
          expect(new Set(ids).size).toBe(values.length);
          // The brushed runs come first.
          expect(new Set(ids.slice(0, brushed.length))).toEqual(new Set(brushed.map((i) => `run${i}`)));
          const col = parseColumnId(`metric:${key}`);
          const finite = runs.map((r) => (col ? cellValue(r, col) : null)).filter((x) => typeof x === 'number');
          if (finite.length === 0) expect(v.best).toBeNull();
          else expect(v.best?.value).toBe(loss ? Math.min(...finite) : Math.max(...finite));
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('the compare worker reading the store', () => {
  it('reads the stored runs of the URL in its order, leaves out those not stored, and drops a closed set', async () => {
    const db = makeExperimentsDb(`compare-host-${Math.random()}`);
    const runs = makeRuns(8, 2, 2);
    await saveFeedPage(db, 'ada/proj', runs, 1);
    const host = new CompareHost(() => db);
    const view = { metric: null, brushed: null, tableRuns: 50 };
    const opened = await host.answer({
      type: 'open',
      id: 1,
      set: 7,
      repo: 'ada/proj',
      ids: ['run5', 'gone', 'run2', 'run0'],
      view,
    });
    expect(opened.res.type).toBe('opened');
    if (opened.res.type !== 'opened') return;
    expect(opened.res.summary.runs.map((r) => r.id)).toEqual(['run5', 'run2', 'run0']);

    const cols = await host.answer({
      type: 'columns',
      id: 2,
      set: 7,
      slots: Uint32Array.of(2, 0),
      specs: [{ col: { id: 'metric:m1', kind: 'metric', key: 'm1' }, log: false }],
      summary: 'last',
    });
    expect(cols.res.type).toBe('columns');
    if (cols.res.type !== 'columns') return;
    const col = cols.res.columns[0];
    expect(col?.kind === 'numeric' && Array.from(col.values)).toEqual([runs[0]?.metrics.m1, runs[5]?.metrics.m1]);
    // The buffers go to the page, not copies.
    expect(cols.transfer).toHaveLength(1);

    await host.answer({ type: 'close', id: 3, set: 7 });
    const after = await host.answer({ type: 'view', id: 4, set: 7, view });
    expect(after.res).toEqual({
      type: 'failed',
      id: 4,
      message: 'the compared runs are no longer held: open the page again',
    });
    db.close();
  });
});
