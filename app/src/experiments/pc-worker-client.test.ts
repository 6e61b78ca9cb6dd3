import { describe, expect, it } from 'vitest';
import { StandInWorker } from '../workers/stand-in-worker.test-support.ts';
import type { PcFrame, PcRequest } from './parallel-coords-protocol.ts';
import { pcWorkerHub } from './pc-worker-client.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));
const bitmap = () => ({ width: 1, height: 1, close() {} }) as unknown as ImageBitmap;

describe('parallel coordinates and their shared worker', () => {
  it('sends each frame to the plot that asked, on one worker', async () => {
    const started: StandInWorker<PcRequest, PcFrame>[] = [];
    const hub = pcWorkerHub(() => {
      const w = new StandInWorker<PcRequest, PcFrame>((req, self) => {
        if (req.type === 'draw')
          self.send({
            type: 'frame',
            plot: req.plot,
            seq: req.seq,
            bitmap: bitmap(),
            selected: null,
            colorScale: null,
            ms: 1,
          });
      });
      started.push(w);
      return w.asWorker();
    });
    const frames: number[] = [];
    const a = hub.connect(
      1,
      (f) => frames.push(f.plot),
      () => {},
    );
    const b = hub.connect(
      2,
      (f) => frames.push(f.plot),
      () => {},
    );
    const draw = (plot: number): PcRequest => ({
      type: 'draw',
      plot,
      seq: 1,
      layout: { width: 100, height: 100, top: 0, bottom: 0, left: 0, right: 0 },
      dpr: 1,
      textColor: '#000',
      brushes: [],
      highlight: null,
    });
    b?.post(draw(2));
    a?.post(draw(1));
    await tick();
    expect(frames).toEqual([2, 1]);
    expect(started).toHaveLength(1);
  });

  it('tells every plot it served when the worker throws, and the next plot starts a new worker', async () => {
    const started: StandInWorker<PcRequest, PcFrame>[] = [];
    const hub = pcWorkerHub(() => {
      const w = new StandInWorker<PcRequest, PcFrame>((_req, self) => self.throw('TypeError: bitmap is null'));
      started.push(w);
      return w.asWorker();
    });
    const died: string[] = [];
    const a = hub.connect(
      1,
      () => {},
      (m) => died.push(`1: ${m}`),
    );
    hub.connect(
      2,
      () => {},
      (m) => died.push(`2: ${m}`),
    );
    a?.post({ type: 'dispose', plot: 99 });
    await tick();
    expect(died).toEqual(['1: TypeError: bitmap is null', '2: TypeError: bitmap is null']);
    expect(started[0]?.terminated).toBe(true);
    a?.post({ type: 'dispose', plot: 1 });
    expect(started[0]?.posted).toHaveLength(1);
    hub.connect(
      3,
      () => {},
      () => {},
    );
    expect(started).toHaveLength(2);
  });

  it('gives no line where workers are missing (the plot draws in the page)', () => {
    expect(
      pcWorkerHub(() => null).connect(
        1,
        () => {},
        () => {},
      ),
    ).toBeNull();
  });
});
