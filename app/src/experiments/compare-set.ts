/**
 * The runs of one compare page, held where they were read (the compare worker, compare.worker.ts)
 * and answered column-wise: the page gets a light record per run (id, name, start, source), the
 * columns and which differ, the ranking by the charted metric and the few runs its table shows —
 * never the 1,000 `Run` objects themselves. Reading them on the page's thread made ~150 objects
 * per run there (params, metrics, a summary per metric), and collecting them was the page's last
 * long tasks (MinorGC of 30–58 ms and MajorGC of 52–116 ms at 1,000 runs).
 *
 * Pure (no DOM, no store): the worker reads the runs and keeps a CompareSet; the page's own
 * decisions (which metric is charted by default) are the functions below, so both sides agree.
 */
import { type KeyedRun, originalKey, type Run, type RunSource } from '@cairn/core/runs';
import { rankRuns } from './compare-ranking.ts';
import type { ColumnSpec, PcColumnData } from './pc-columns.ts';
import { columnsOfRuns } from './pc-columns.ts';
import { type Column, cellValue, columnsOf, differingColumns, type MetricSummaryKind } from './run-columns.ts';
import { runCommit } from './run-commit.ts';

/** What the page holds of a compared run. */
export interface ComparedRun {
  id: string;
  name: string;
  /** Epoch ms; null when unknown. */
  startTime: number | null;
  source: RunSource;
}

/** What the page needs of the compared runs before it draws anything. */
export interface CompareSummary {
  /** The stored runs of the URL, in its order (runs not stored are left out). */
  runs: ComparedRun[];
  /** Their params, metrics and tags (no attributes). */
  cols: Column[];
  /** Ids of the columns whose last value is not the same in every run. */
  differing: string[];
  /** For each metric column (by id): how many runs have a value of it. */
  valued: Record<string, number>;
  /** Each run's commit (the run's own, or its commit tag), for the "Compare code" link of two runs. */
  commits: (string | null)[];
}

/** The compared runs ranked by the charted metric (compare-ranking.ts), as positions in `runs`. */
export interface CompareView {
  /** The metric charted (null: the runs have none). */
  metric: string | null;
  best: { index: number; value: number } | null;
  lowerIsBetter: boolean;
  /** How many runs have a value of the metric. */
  withValue: number;
  /** The runs the side-by-side table shows (brushed ones first, then best first), whole. */
  table: Run[];
  /** Each run's store key of the metric's history (a git run's own name of it). */
  historyKeys: string[];
}

/** Metrics that vary across the runs, those most runs have first (validation ones first among equals). */
export function varyingMetrics(
  cols: readonly Column[],
  differing: ReadonlySet<string>,
  valued: Readonly<Record<string, number>>,
): Column[] {
  const score = (c: Column) => (valued[c.id] ?? 0) * 2 + (/^(val|valid|test|eval)/i.test(c.key) ? 1 : 0);
  return cols
    .filter((c) => c.kind === 'metric' && differing.has(c.id))
    .map((c) => ({ c, s: score(c) }))
    .sort((a, b) => b.s - a.s)
    .map((x) => x.c);
}

/** The metric charted: the one asked for, else one that varies, else the first. */
export function chartedMetric(
  wanted: string | null,
  cols: readonly Column[],
  differing: ReadonlySet<string>,
  valued: Readonly<Record<string, number>>,
): string | null {
  return (
    wanted ?? varyingMetrics(cols, differing, valued)[0]?.key ?? cols.find((c) => c.kind === 'metric')?.key ?? null
  );
}

export class CompareSet {
  private readonly cols: Column[];
  private readonly differing: Set<string>;
  private readonly valued: Record<string, number> = {};
  private readonly rankings = new Map<string | null, ReturnType<typeof rankRuns>>();
  private readonly indexOf = new Map<Run, number>();

  constructor(private readonly runs: readonly KeyedRun[]) {
    this.cols = columnsOf(runs).filter((c) => c.kind !== 'attr');
    this.differing = new Set(differingColumns(runs, this.cols, 'last').map((c) => c.id));
    for (const c of this.cols)
      if (c.kind === 'metric') {
        let have = 0;
        for (const r of runs) if (cellValue(r, c) !== null) have++;
        this.valued[c.id] = have;
      }
    runs.forEach((r, i) => {
      this.indexOf.set(r, i);
    });
  }

  get count(): number {
    return this.runs.length;
  }

  summary(): CompareSummary {
    return {
      runs: this.runs.map((r) => ({ id: r.id, name: r.name, startTime: r.startTime, source: r.source })),
      cols: this.cols,
      differing: [...this.differing],
      valued: this.valued,
      commits: this.runs.map((r) => runCommit(r)?.commit ?? null),
    };
  }

  /**
   * The charted metric's ranking and the table's runs: `wanted` (null: the default metric), the
   * runs inside the brushes (positions; null: no brush) first, at most `tableRuns` of them.
   */
  view(wanted: string | null, brushed: readonly number[] | null, tableRuns: number): CompareView {
    const metric = chartedMetric(wanted, this.cols, this.differing, this.valued);
    const ranking = this.ranking(metric);
    const inBrush = brushed ? new Set(brushed) : null;
    const order = inBrush
      ? [
          ...ranking.runs.filter((r) => inBrush.has(this.at(r))),
          ...ranking.runs.filter((r) => !inBrush.has(this.at(r))),
        ]
      : ranking.runs;
    return {
      metric,
      best: ranking.best ? { index: this.at(ranking.best.run), value: ranking.best.value } : null,
      lowerIsBetter: ranking.lowerIsBetter,
      withValue: ranking.withValue,
      table: order.slice(0, tableRuns),
      historyKeys: this.runs.map((r) => (metric === null ? '' : originalKey(r, 'metric', metric))),
    };
  }

  /**
   * Columns of the runs at `slots` (positions), as the charts' typed arrays; `slots` answered are
   * those it holds, in the order asked (PcTableRuns's contract: one cell per answered slot).
   */
  columns(
    slots: Uint32Array,
    specs: readonly ColumnSpec[],
    summary: MetricSummaryKind,
  ): { slots: Uint32Array; columns: PcColumnData[] } {
    const held = slots.filter((s) => s < this.runs.length);
    const runs = Array.from(held, (s) => this.runs[s] as KeyedRun);
    return { slots: held, columns: columnsOfRuns(runs, specs, summary) };
  }

  private at(run: Run): number {
    return this.indexOf.get(run) as number;
  }

  private ranking(metric: string | null) {
    let r = this.rankings.get(metric);
    if (!r) {
      const col = metric === null ? null : (this.cols.find((c) => c.kind === 'metric' && c.key === metric) ?? null);
      r = rankRuns(this.runs, col);
      this.rankings.set(metric, r);
    }
    return r;
  }
}
