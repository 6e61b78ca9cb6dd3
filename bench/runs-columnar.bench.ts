/**
 * The filter language and order_by over 100,000 runs × 100 columns (50 params, 50 metrics):
 * column-wise over a run block (core run-block-query.ts, run indices as a Uint32Array, what a
 * worker would post back) against the row-wise compileRunFilter / sortRuns over the same runs
 * (the baseline). Issue 17's target for the page is sort and filter < 100 ms.
 * BENCH_RUNS_COLUMNAR_N changes the run count.
 */
import { makeRuns } from '../app/src/experiments/test-runs.test-support.ts';
import {
  compileRunFilter,
  encodeRunBlock,
  filterRunBlock,
  orderRunBlock,
  parseFilter,
  parseOrderBy,
  sortRuns,
} from '../packages/core/src/runs/index.ts';
import { measure, report } from './lib.ts';

const N = Number(process.env.BENCH_RUNS_COLUMNAR_N ?? 100_000);
const runs = makeRuns(N, 50, 50);
const block = encodeRunBlock(runs);
const filter = parseFilter("metrics.m3 > 1.5 AND params.p0 IN ('adam', 'sgd')");
const order = parseOrderBy('metrics.m7 DESC');
if (!filter.ok || !order.ok) throw new Error('bench filter or order_by does not parse');
const kept = filterRunBlock(block, filter.value);
if (kept.length !== runs.filter(compileRunFilter(filter.value)).length) throw new Error('filters disagree');

report(
  `Filter, ${N} runs × 100 columns: ${kept.length} kept`,
  await measure('row-wise: runs.filter(compileRunFilter(…)) (baseline)', () =>
    runs.filter(compileRunFilter(filter.value)),
  ),
  [await measure('column-wise: filterRunBlock → Uint32Array', () => filterRunBlock(block, filter.value))],
);
report(
  `order_by metrics.m7 DESC, ${N} runs × 100 columns`,
  await measure('row-wise: sortRuns (baseline)', () => sortRuns(runs, [order.value])),
  [await measure('column-wise: orderRunBlock → Uint32Array', () => orderRunBlock(block, [order.value]))],
);
