import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Stage } from '../dvc/expand-stages.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { buildFileGraph } from './file-graph.ts';
import { buildStageGraph } from './stage-graph.ts';
import { stageStatus } from './stage-status.ts';

const path = fc.constantFrom('a', 'b', 'c', 'd', 'a/x', 'a/y', 'b/z', 'd/e/f', './c', 'a/../b');
const stage = (i: number) =>
  fc
    .record({
      deps: fc.array(path, { maxLength: 3 }),
      outs: fc.array(path, { maxLength: 2 }),
      wdir: fc.constantFrom('.', 'a', '..'),
    })
    .map(
      ({ deps, outs, wdir }): Stage => ({
        name: `s${i}`,
        cmd: `run ${i}`,
        wdir,
        deps,
        params: [],
        outs: outs.map((p) => ({ path: p, kind: 'out', cache: true, persist: false, push: true, checkpoint: false })),
        frozen: false,
        alwaysChanged: false,
      }),
    );
const stages = fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => stage(i))));

describe('pipeline graph (fast-check)', () => {
  it('either orders every stage upstream-first or names a typed problem', () => {
    fc.assert(
      fc.property(stages, (list) => {
        const g = buildStageGraph({ stages: list });
        if (!g.ok) {
          expect(g.error).toBeInstanceOf(PipelineError);
          expect(g.error.stages.length).toBeGreaterThan(0);
          return;
        }
        const pos = new Map(g.value.order.map((id, i) => [id, i]));
        expect(pos.size).toBe(list.length);
        for (const e of g.value.edges) expect(pos.get(e.from)!).toBeLessThan(pos.get(e.to)!);
        buildFileGraph(g.value);
        const status = stageStatus({ stages: list, lock: null, hashOf: () => 'x', params: {}, graph: g.value });
        expect(status.ok && status.value.every((s) => s.state === 'changed')).toBe(true);
      }),
      { numRuns: 1000 },
    );
  }, 120_000);
});
