/**
 * The worker every parallel-coordinates plot of the tab shares (parallel-coords.worker.ts):
 * started with the first plot and kept, because starting a worker costs more than drawing
 * 10,000 runs. Frames go back to the plot that asked (`plot` in each message). A worker that
 * dies (worker-death.ts) tells every plot it served, which then draws in the page; a plot made
 * later starts a new worker.
 */
import { whenWorkerDies } from '../workers/worker-death.ts';
import type { PcFrame, PcRequest } from './parallel-coords-protocol.ts';

export interface PlotLine {
  /** `transfer`: buffers handed to the worker (the request's typed columns), not copied. */
  post(request: PcRequest, transfer?: Transferable[]): void;
  /** The plot is gone: the worker drops its state. */
  close(): void;
}

interface PlotEnds {
  frame: (f: PcFrame) => void;
  died: (message: string) => void;
}

/** `start` returns null where workers or OffscreenCanvas are missing (plots draw in the page). */
export function pcWorkerHub(start: () => Worker | null) {
  let worker: Worker | null = null;
  const plots = new Map<number, PlotEnds>();

  const current = (): Worker | null => {
    if (worker) return worker;
    const w = start();
    if (!w) return null;
    w.onmessage = (e: MessageEvent<PcFrame>) => {
      const ends = plots.get(e.data.plot);
      if (ends) ends.frame(e.data);
      else e.data.bitmap.close();
    };
    whenWorkerDies(w, (message) => {
      if (worker === w) worker = null;
      const served = [...plots.values()];
      plots.clear();
      for (const ends of served) ends.died(message);
    });
    worker = w;
    return w;
  };

  return {
    /** A line to the worker for one plot, or null when the plot must draw in the page. */
    connect(plot: number, frame: PlotEnds['frame'], died: PlotEnds['died']): PlotLine | null {
      const w = current();
      if (!w) return null;
      plots.set(plot, { frame, died });
      return {
        post: (request, transfer = []) => {
          if (plots.has(plot)) w.postMessage(request, { transfer });
        },
        close: () => {
          if (plots.delete(plot)) w.postMessage({ type: 'dispose', plot } satisfies PcRequest);
        },
      };
    },
  };
}
