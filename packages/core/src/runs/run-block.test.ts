/**
 * The columnar run block equals the runs it was made from (fast-check over arbitrary runs:
 * missing and odd keys, `__proto__`, non-finite metrics, metrics without summaries and the
 * reverse, null times, deleted runs, git and MLflow sources), decoded whole or in slices, and
 * it survives a structured clone (as IndexedDB stores it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from './run.ts';
import { runArbitrary } from './run-arbitrary.test-support.ts';
import { decodeRunBlock, encodeRunBlock, runBlockKeys } from './run-block.ts';

const run = runArbitrary((maxLength) => fc.string({ maxLength }));

/** A decoded run as plain data (its summaries read, so they are own properties). */
const plain = (r: Run) => ({ ...r, metricSummaries: r.metricSummaries });

describe('run blocks', () => {
  it('decode to the runs encoded, whole, in slices and after a structured clone', () => {
    fc.assert(
      fc.property(fc.array(run, { maxLength: 40 }), fc.nat(40), (runs, cut) => {
        const block = encodeRunBlock(runs, (r, i) => (i % 2 ? JSON.stringify({ i, id: r.id }) : null));
        const whole = decodeRunBlock(block);
        expect(whole.map((d) => plain(d.run))).toStrictEqual(runs.map((r) => ({ ...r })));
        expect(whole.map((d) => d.extra)).toEqual(runs.map((r, i) => (i % 2 ? JSON.stringify({ i, id: r.id }) : null)));
        const at = Math.min(cut, runs.length);
        const sliced = [...decodeRunBlock(block, 0, at), ...decodeRunBlock(block, at)];
        expect(sliced.map((d) => plain(d.run))).toStrictEqual(runs.map((r) => ({ ...r })));
        const cloned = decodeRunBlock(structuredClone(block));
        expect(cloned.map((d) => plain(d.run))).toStrictEqual(runs.map((r) => ({ ...r })));
        for (const d of whole) expect(Object.getPrototypeOf(d.run.params)).toBe(Object.prototype);
      }),
      { numRuns: 300 },
    );
  });

  it('gives runs of a block with one key set those keys, and runs of a mixed block none', () => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 20 }), (runs) => {
        const decoded = decodeRunBlock(encodeRunBlock(runs)).map((d) => d.run);
        const keys = runBlockKeys(decoded[0] as Run);
        const sig = (r: Run) =>
          JSON.stringify([Object.keys(r.params).sort(), Object.keys(r.metrics).sort(), Object.keys(r.tags).sort()]);
        const uniform = runs.every((r) => sig(r) === sig(runs[0] as Run));
        expect(keys !== undefined).toBe(uniform);
        for (const d of decoded) {
          expect(runBlockKeys(d)).toBe(keys);
          if (keys)
            expect(JSON.stringify([[...keys.params].sort(), [...keys.metrics].sort(), [...keys.tags].sort()])).toBe(
              sig(d),
            );
        }
        // Nothing a copy or a clone sees.
        expect(Object.getOwnPropertySymbols(decoded[0] as Run)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a `__proto__` key as data, not as the prototype', () => {
    const r = JSON.parse(
      '{"id":"r","source":{"kind":"mlflow","runId":"r","experimentId":"0"},"name":"n","status":"FINISHED","lifecycleStage":"active","startTime":null,"endTime":null,"userId":"","artifactUri":"","params":{"__proto__":"x"},"metrics":{"__proto__":1},"metricSummaries":{},"tags":{}}',
    ) as Run;
    const [d] = decodeRunBlock(encodeRunBlock([r]));
    expect(Object.hasOwn(d?.run.params ?? {}, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(d?.run.params)).toBe(Object.prototype);
    expect(Object.hasOwn(d?.run.metrics ?? {}, '__proto__')).toBe(true);
  });

  it('holds repeated metric arrays once and still decodes every value exactly (-0, NaN, absent keys)', () => {
    // Runs as a logger writes them: last is the value, a batch shares one step, timestamp and
    // count across its metrics; some values differ from their summary's last only by -0.
    const edge = fc.constantFrom(0, -0, Number.NaN, 1.5, Number.POSITIVE_INFINITY);
    const logged = fc
      .record({
        values: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', '__proto__'), edge), { maxLength: 4 }),
        step: fc.nat(5),
        timestamp: fc.nat(5),
        summaryOnly: fc.boolean(),
        flipZero: fc.boolean(),
      })
      .map(({ values, step, timestamp, summaryOnly, flipZero }): Run => {
        const metrics: Record<string, number> = {};
        const summaries: Run['metricSummaries'] = {};
        for (const [k, v] of values) {
          if (!(summaryOnly && k === 'c'))
            Object.defineProperty(metrics, k, { value: v, enumerable: true, writable: true, configurable: true });
          const last = flipZero && Object.is(v, 0) ? -0 : v;
          Object.defineProperty(summaries, k, {
            value: { last, min: last, max: last, step, timestamp, count: step + 1 },
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return {
          id: 'r',
          source: { kind: 'mlflow', runId: 'r', experimentId: '0' },
          name: '',
          status: 'FINISHED',
          lifecycleStage: 'active',
          startTime: null,
          endTime: null,
          userId: '',
          artifactUri: '',
          params: {},
          metrics,
          metricSummaries: summaries,
          tags: {},
        };
      });
    fc.assert(
      fc.property(fc.array(logged, { maxLength: 12 }), (runs) => {
        const block = encodeRunBlock(runs);
        for (const b of [block, structuredClone(block)]) {
          const got = decodeRunBlock(b).map((d) => plain(d.run));
          expect(got).toStrictEqual(runs.map((r) => ({ ...r })));
        }
      }),
      { numRuns: 300 },
    );
    // 100 runs × 3 metrics logged together: value, min, max differ per metric; last is the
    // value; step, timestamp and count are one array each for the block.
    const many = Array.from({ length: 100 }, (_, i): Run => {
      const metrics = { a: i + 0.25, b: i * 2 + 0.5, c: i * 3 + 0.75 };
      const s = (v: number) => ({ last: v, min: v - 100, max: v + 1000, step: 9, timestamp: 1000 + i, count: 10 });
      return {
        id: `r${i}`,
        source: { kind: 'mlflow', runId: `r${i}`, experimentId: '0' },
        name: '',
        status: 'FINISHED',
        lifecycleStage: 'active',
        startTime: null,
        endTime: null,
        userId: '',
        artifactUri: '',
        params: {},
        metrics,
        metricSummaries: { a: s(metrics.a), b: s(metrics.b), c: s(metrics.c) },
        tags: {},
      };
    });
    const block = encodeRunBlock(many);
    const arrays = new Set(block.metrics.flatMap((c) => [c.value, c.last, c.min, c.max, c.step, c.timestamp, c.count]));
    expect(arrays.size).toBe(3 * 3 + 3);
    expect(block.metrics.every((c) => c.last === c.value)).toBe(true);
    const cloned = structuredClone(block);
    expect(cloned.metrics[0]?.step).toBe(cloned.metrics[2]?.step);
    expect(decodeRunBlock(cloned).map((d) => plain(d.run))).toStrictEqual(many.map((r) => ({ ...r })));
  });
});
