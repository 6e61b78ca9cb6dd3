import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH_FILE_MAX_BYTES, BATCH_MAX_BYTES, BATCH_MAX_FILES, planHashTasks } from './hash-plan.ts';

describe('planHashTasks', () => {
  it('streams big files alone, largest first, and batches the small ones', () => {
    const MiB = 1024 * 1024;
    expect(planHashTasks([10, 5 * MiB, 20, 50 * MiB])).toEqual([
      { kind: 'stream', ids: [3] },
      { kind: 'stream', ids: [1] },
      { kind: 'batch', ids: [2, 0] },
    ]);
  });

  it('puts every file in exactly one task, within the batch limits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * BATCH_FILE_MAX_BYTES }), { maxLength: 800 }), (sizes) => {
        const tasks = planHashTasks(sizes);
        const ids = tasks.flatMap((t) => t.ids).sort((a, b) => a - b);
        expect(ids).toEqual(sizes.map((_, i) => i));
        for (const t of tasks) {
          const bytes = t.ids.reduce((n, id) => n + (sizes[id] ?? 0), 0);
          if (t.kind === 'stream') expect(sizes[t.ids[0]] ?? 0).toBeGreaterThan(BATCH_FILE_MAX_BYTES);
          else {
            expect(t.ids.length).toBeLessThanOrEqual(BATCH_MAX_FILES);
            expect(t.ids.every((id) => (sizes[id] ?? 0) <= BATCH_FILE_MAX_BYTES)).toBe(true);
            expect(bytes).toBeLessThanOrEqual(BATCH_MAX_BYTES);
          }
        }
      }),
    );
  });

  it('has no task for no files', () => {
    expect(planHashTasks([])).toEqual([]);
  });
});
