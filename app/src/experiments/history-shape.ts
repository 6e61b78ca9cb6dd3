/**
 * The history worker's shaping of one request — read (history-read.ts), x choice, smoothing,
 * prepareHistory — with the last result kept by what it was made from. The compare page asks
 * for its histories' shape as soon as it has read the runs, while it renders; the chart's own
 * request then finds it done (or under way) and only the lines are left to draw.
 */
import type { HistoryPrepare } from './history-protocol.ts';
import { readHistories, type StoredHistoryReader } from './history-read.ts';
import { type AlignedHistory, historyBuckets, prepareHistory, seriesOfColumns, smooth } from './history-series.ts';

export type ShapeAsk = Pick<HistoryPrepare, 'runs' | 'visit' | 'xAxis' | 'smoothing' | 'width'>;

export interface Shaped {
  aligned: AlignedHistory;
  /** Indexes of the runs whose history the store did not hold. */
  missing: number[];
  readMs: number;
  ms: number;
}

/**
 * What a shape is made from, as one string: only for histories all read from the store (given
 * ones could differ under the same key). The width counts as the buckets it makes.
 */
function signature(ask: ShapeAsk): string | null {
  const parts = [
    String(ask.visit),
    ask.xAxis,
    String(ask.smoothing),
    String(historyBuckets(ask.width, ask.runs.length)),
  ];
  for (const r of ask.runs) {
    if (!('stored' in r)) return null;
    parts.push(`${r.stored.repo}\t${r.stored.runId}\t${r.stored.key}\t${r.start}`);
  }
  return parts.join('\n');
}

export class HistoryShaper {
  private last: { sig: string; shaped: Promise<Shaped> } | null = null;

  constructor(private readonly reader: StoredHistoryReader) {}

  /**
   * The shape of `ask`: the kept one when it was made from the same, else made now. With `keep`
   * the result is kept for the next identical ask (its arrays must then never be transferred
   * away); without, a kept result is handed over and forgotten.
   */
  shape(ask: ShapeAsk, keep: boolean): Promise<Shaped> {
    const sig = signature(ask);
    if (sig !== null && this.last?.sig === sig) {
      const { shaped } = this.last;
      if (!keep) this.last = null;
      return shaped;
    }
    const shaped = this.make(ask);
    this.last = sig !== null && keep ? { sig, shaped } : null;
    // A failed shape is not kept: the next ask tries again.
    shaped.catch(() => {
      if (this.last?.shaped === shaped) this.last = null;
    });
    return shaped;
  }

  private async make(ask: ShapeAsk): Promise<Shaped> {
    const t0 = performance.now();
    const read = await readHistories(this.reader, ask.runs, ask.visit);
    const readMs = performance.now() - t0;
    const series = read.histories.map((h, i) => {
      const s = seriesOfColumns(h, ask.xAxis, ask.runs[i]?.start ?? null);
      return { xs: s.xs, ys: smooth(s.ys, ask.smoothing) };
    });
    const aligned = prepareHistory(series, ask.width);
    return { aligned, missing: read.missing, readMs, ms: performance.now() - t0 };
  }
}
