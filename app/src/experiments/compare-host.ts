/**
 * The compare worker's work without its `self` (compare.worker.ts), also run on the page's
 * thread where workers are missing: reads the compared runs from the store, keeps each page's
 * set until it is closed, and answers its views and columns.
 */
import type { CompareRequest, CompareResponse } from './compare-protocol.ts';
import { CompareSet } from './compare-set.ts';
import { keyedRun } from './keyed-runs.ts';
import { columnBuffers } from './pc-columns.ts';
import { type ExperimentsDb, getRuns } from './run-store.ts';

export class CompareHost {
  private readonly sets = new Map<number, CompareSet>();

  constructor(private readonly db: () => ExperimentsDb) {}

  /** The answer to one request, and the buffers it can hand over rather than copy. */
  async answer(req: CompareRequest): Promise<{ res: CompareResponse; transfer: Transferable[] }> {
    try {
      return await this.handle(req);
    } catch (err) {
      return {
        res: { type: 'failed', id: req.id, message: err instanceof Error ? err.message : String(err) },
        transfer: [],
      };
    }
  }

  private async handle(req: CompareRequest): Promise<{ res: CompareResponse; transfer: Transferable[] }> {
    if (req.type === 'open') {
      const t0 = performance.now();
      // One request: off the page's thread, a long read costs the page nothing.
      const rows = (await getRuns(this.db(), req.repo, req.ids, Math.max(1, req.ids.length))) ?? [];
      const t1 = performance.now();
      const set = new CompareSet(rows.map((r) => keyedRun(r.run)));
      this.sets.set(req.set, set);
      const { metric, brushed, tableRuns } = req.view;
      const view = set.view(metric, brushed, tableRuns);
      const res: CompareResponse = {
        type: 'opened',
        id: req.id,
        summary: set.summary(),
        view,
        readMs: t1 - t0,
        shapeMs: performance.now() - t1,
      };
      return { res, transfer: [] };
    }
    if (req.type === 'close') {
      this.sets.delete(req.set);
      return { res: { type: 'closed', id: req.id }, transfer: [] };
    }
    const set = this.sets.get(req.set);
    if (!set) throw new Error('the compared runs are no longer held: open the page again');
    if (req.type === 'view') {
      const { metric, brushed, tableRuns } = req.view;
      return { res: { type: 'view', id: req.id, view: set.view(metric, brushed, tableRuns) }, transfer: [] };
    }
    const t0 = performance.now();
    const { slots, columns } = set.columns(req.slots, req.specs, req.summary);
    return {
      res: { type: 'columns', id: req.id, slots, columns, ms: performance.now() - t0 },
      transfer: columns.flatMap(columnBuffers),
    };
  }
}
