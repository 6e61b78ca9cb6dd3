/**
 * The compare page's end of its worker (compare.worker.ts): one worker for the tab, started with
 * the first compare page and kept; each page's runs are a set there, opened and closed by the
 * page. Without workers (old browsers, tests) the same host runs on this thread.
 */
import { workerCalls } from '../workers/worker-calls.ts';
import { CompareHost } from './compare-host.ts';
import type { CompareRequest, CompareResponse, ViewAsk } from './compare-protocol.ts';
import type { CompareSummary, CompareView } from './compare-set.ts';
import type { ColumnSpec, PcColumnData } from './pc-columns.ts';
import type { MetricSummaryKind } from './run-columns.ts';
import { experimentsDb } from './run-store.ts';

let nextId = 1;
let nextSet = 1;
const compareWorker = workerCalls<CompareRequest, CompareResponse>(
  () => new Worker(new URL('./compare.worker.ts', import.meta.url), { type: 'module', name: 'cairn-compare' }),
  (id, message) => ({ type: 'failed', id, message: `the compare worker stopped: ${message}` }),
);
let here: CompareHost | null = null;

async function call(req: CompareRequest): Promise<CompareResponse> {
  if (typeof Worker !== 'undefined') return compareWorker(req);
  here ??= new CompareHost(experimentsDb);
  return (await here.answer(req)).res;
}

/** The answer of `type`, or the worker's error thrown. */
async function answer<T extends CompareResponse['type']>(
  req: CompareRequest,
  type: T,
): Promise<Extract<CompareResponse, { type: T }>> {
  const res = await call(req);
  if (res.type === 'failed') throw new Error(res.message);
  if (res.type !== type) throw new Error(`the compare worker answered ${res.type}, not ${type}`);
  return res as Extract<CompareResponse, { type: T }>;
}

/** One page's compared runs, held by the worker. */
export class ComparedRuns {
  private closed = false;

  private constructor(private readonly set: number) {}

  /** Reads the stored runs of `ids` there; answers their summary and first view. */
  static async open(
    repo: string,
    ids: readonly string[],
    view: ViewAsk,
  ): Promise<{ runs: ComparedRuns; summary: CompareSummary; view: CompareView; readMs: number; shapeMs: number }> {
    const set = nextSet++;
    const a = await answer({ type: 'open', id: nextId++, set, repo, ids: [...ids], view }, 'opened');
    return { runs: new ComparedRuns(set), summary: a.summary, view: a.view, readMs: a.readMs, shapeMs: a.shapeMs };
  }

  async view(view: ViewAsk): Promise<CompareView> {
    return (await answer({ type: 'view', id: nextId++, set: this.set, view }, 'view')).view;
  }

  /** Columns of the runs at `slots` (positions in the summary's runs), as typed arrays. */
  async columns(
    slots: Uint32Array,
    specs: ColumnSpec[],
    summary: MetricSummaryKind,
  ): Promise<{ slots: Uint32Array; columns: PcColumnData[]; ms: number }> {
    const a = await answer({ type: 'columns', id: nextId++, set: this.set, slots, specs, summary }, 'columns');
    return { slots: a.slots, columns: a.columns, ms: a.ms };
  }

  /** Lets the worker drop the runs. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void call({ type: 'close', id: nextId++, set: this.set });
  }
}
