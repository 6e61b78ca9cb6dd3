/**
 * The Experiments page's runs of the rows in view (shown-runs.ts): each change to the runs held
 * asks the rows in view again, and a run that did not change must stay the same object — its
 * row's cells are then not set again (each page of a 100,000-run sync restyled and retitled every
 * cell in view) — while a run that changed is replaced, so its row shows the new values.
 */
import type { Run } from '@cairn/core/runs';
import { describe, expect, it } from 'vitest';
import { ShownRowCache } from './shown-runs.ts';
import { makeRuns } from './test-runs.test-support.ts';

/** As the worker answers: every run a new object (a structured clone), whether it changed or not. */
const answer = (runs: Run[], slots: number[]): [number, Run][] =>
  slots.map((s) => [s, structuredClone(runs[s] as Run)]);

describe('ShownRowCache', () => {
  it('keeps the object of a run asked again unchanged, and replaces one that changed', () => {
    const runs = makeRuns(3);
    const cache = new ShownRowCache();
    cache.keep(1, answer(runs, [0, 1, 2]), [0, 1, 2]);
    const before = [0, 1, 2].map((s) => cache.get(s));
    expect(before.map((r) => r?.id)).toEqual(runs.map((r) => r.id));

    // A page of runs came; none of these changed.
    cache.keep(1, answer(runs, [0, 1, 2]), [0, 1, 2]);
    for (const s of [0, 1, 2]) expect(cache.get(s)).toBe(before[s]);

    // One was logged to meanwhile; another lost a tag.
    const key = Object.keys(runs[1]?.metrics ?? {})[0] as string;
    (runs[1] as Run).metrics[key] = 123.5;
    (runs[2] as Run).tags = {};
    cache.keep(1, answer(runs, [0, 1, 2]), [0, 1, 2]);
    expect(cache.get(0)).toBe(before[0]);
    expect(cache.get(1)).not.toBe(before[1]);
    expect(cache.get(1)?.metrics[key]).toBe(123.5);
    expect(cache.get(2)).not.toBe(before[2]);
    expect(cache.get(2)?.tags).toEqual({});
  });

  it('starts again at a new epoch of slots, where the same slot is another run', () => {
    const runs = makeRuns(2);
    const cache = new ShownRowCache();
    cache.keep(1, answer(runs, [0, 1]), [0, 1]);
    cache.keep(2, [[0, structuredClone(runs[1] as Run)]], [0]);
    expect(cache.get(0)?.id).toBe(runs[1]?.id);
    expect(cache.has(1)).toBe(false);
  });
});
