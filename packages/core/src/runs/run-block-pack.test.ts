/**
 * A packed run block (the stored form) unpacks, after a structured clone as IndexedDB keeps it,
 * to the block packed — every string exact (empty, non-ASCII, lone surrogates), extras and
 * nulls in place, codes of any dictionary size — and decodes to the runs encoded (fast-check
 * over arbitrary runs). A stored value of another format, or one whose parts disagree, is not
 * taken for a packed block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from './run.ts';
import { runArbitrary } from './run-arbitrary.test-support.ts';
import { decodeRunBlock, encodeRunBlock, type RunBlock } from './run-block.ts';
import {
  isPackedRunBlock,
  joinPackedRunBlock,
  type PackedRunBlock,
  packRunBlock,
  splitPackedRunBlock,
  unpackRunBlock,
} from './run-block-pack.ts';

// Any UTF-16 (lone surrogates included), and keys that are odd as property names.
const text = (maxLength: number) =>
  fc.oneof(fc.string({ maxLength, unit: 'binary' }), fc.string({ maxLength }), fc.constantFrom('', 'é', '\ud800'));
const run = runArbitrary(text);

/** Every field of a block as plain data (an unpacked block's strings are made on first read). */
function plainBlock(b: RunBlock) {
  return {
    format: b.format,
    count: b.count,
    ids: [...b.ids],
    names: [...b.names],
    users: [...b.users],
    artifactUris: [...b.artifactUris],
    status: [...b.status],
    deleted: [...b.deleted],
    startTime: [...b.startTime],
    endTime: [...b.endTime],
    sources: [...b.sources],
    sourceOf: [...b.sourceOf],
    params: b.params.map((c) => ({ key: c.key, dict: [...c.dict], codes: c.codes })),
    tags: b.tags.map((c) => ({ key: c.key, dict: [...c.dict], codes: c.codes })),
    metrics: b.metrics.map((c) => ({ ...c })),
    extra: [...b.extra],
  };
}

/** A decoded run as plain data (its summaries read, so they are own properties). */
const plain = (r: Run) => ({ ...r, metricSummaries: r.metricSummaries });

/** As the app stores a block: packed, split, the head structured-cloned and the bytes copied. */
function stored(block: RunBlock): PackedRunBlock {
  const { head, bytes } = splitPackedRunBlock(packRunBlock(block));
  const joined = joinPackedRunBlock(structuredClone(head), bytes.slice().buffer);
  if (!joined) throw new Error('the split block does not join');
  return joined;
}

describe('packed run blocks', () => {
  it('unpack, after a structured clone, to the block packed and decode to the runs encoded', () => {
    fc.assert(
      fc.property(
        fc.array(run, { maxLength: 40 }),
        fc.array(fc.option(text(12)), { maxLength: 40 }),
        (runs, extras) => {
          const block = encodeRunBlock(runs, (_r, i) => extras[i] ?? null);
          const packed = stored(block);
          expect(isPackedRunBlock(packed)).toBe(true);
          const back = unpackRunBlock(packed);
          expect(plainBlock(back)).toStrictEqual(plainBlock(block));
          expect(decodeRunBlock(back).map((d) => plain(d.run))).toStrictEqual(runs.map((r) => ({ ...r })));
          expect(decodeRunBlock(back).map((d) => d.extra)).toEqual(runs.map((_r, i) => extras[i] ?? null));
          // Decoded in slices (a table decodes the rows in view), before the strings were read whole.
          const fresh = unpackRunBlock(structuredClone(packed));
          const sliced = runs.flatMap((_r, i) => decodeRunBlock(fresh, i, i + 1).map((d) => plain(d.run)));
          expect(sliced).toStrictEqual(runs.map((r) => ({ ...r })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('packs an unpacked block into the form it came from, whether its strings were read or not', () => {
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 10 }), fc.boolean(), (runs, read) => {
        const packed = stored(encodeRunBlock(runs));
        const back = unpackRunBlock(packed);
        if (read) plainBlock(back);
        expect(packRunBlock(back)).toBe(packed);
        // Written again (a block of the model's that did not change): the same block comes back.
        expect(plainBlock(unpackRunBlock(structuredClone(packRunBlock(back))))).toStrictEqual(
          plainBlock(encodeRunBlock(runs)),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('keeps codes of every dictionary size (one byte, two, four)', () => {
    for (const distinct of [1, 255, 256, 65_535, 65_536, 70_000]) {
      const runs = Array.from(
        { length: 70_000 },
        (_, i): Run => ({
          id: `r${i}`,
          source: { kind: 'mlflow', runId: `r${i}`, experimentId: '0' },
          name: '',
          status: 'FINISHED',
          lifecycleStage: 'active',
          startTime: null,
          endTime: null,
          userId: '',
          artifactUri: '',
          params: i % 7 === 3 ? {} : ({ p: `v${i % distinct}` } as Record<string, string>),
          metrics: {},
          metricSummaries: {},
          tags: {},
        }),
      );
      const block = encodeRunBlock(runs);
      const back = unpackRunBlock(stored(block));
      const [col] = back.params;
      expect(col?.dict).toEqual(block.params[0]?.dict);
      expect(col?.codes).toEqual(block.params[0]?.codes);
      expect(col?.codes).toBeInstanceOf(Uint32Array);
    }
  });

  it('holds equal `has` arrays once and keeps each column reading its own', () => {
    const runs = makeUniform(30);
    runs[4] = { ...(runs[4] as Run), metrics: { a: 1 }, metricSummaries: {} };
    const packed = packRunBlock(encodeRunBlock(runs));
    const has = new Set(packed.metrics.map((c) => c.has));
    expect(has.size).toBe(2);
    expect(decodeRunBlock(unpackRunBlock(structuredClone(packed))).map((d) => plain(d.run))).toStrictEqual(
      runs.map((r) => ({ ...r })),
    );
  });

  it('splits into a head and bytes whose arrays are views at multiples of 8, shared ones once', () => {
    fc.assert(
      fc.property(fc.array(run, { maxLength: 20 }), (runs) => {
        const block = encodeRunBlock(runs);
        const packed = packRunBlock(block);
        const { head, bytes } = splitPackedRunBlock(packed);
        const joined = joinPackedRunBlock(structuredClone(head), bytes.slice().buffer) as PackedRunBlock;
        const arrays = joined.metrics.flatMap((c) => Object.values(c) as ArrayBufferView[]);
        for (const a of arrays) expect(a.byteOffset % 8).toBe(0);
        // An array held twice in the packed block is one view after.
        const before = packed.metrics.flatMap((c) => Object.values(c));
        const after = joined.metrics.flatMap((c) => Object.values(c));
        for (const [i, a] of before.entries())
          for (const [j, b] of before.entries()) if (a === b) expect(after[i]).toBe(after[j]);
        expect(plainBlock(unpackRunBlock(joined))).toStrictEqual(plainBlock(block));
      }),
      { numRuns: 100 },
    );
  });

  it('does not join a head with bytes that are not its own', () => {
    const a = splitPackedRunBlock(packRunBlock(encodeRunBlock(makeUniform(5))));
    const b = splitPackedRunBlock(packRunBlock(encodeRunBlock(makeUniform(50))));
    const head = structuredClone(a.head);
    expect(joinPackedRunBlock(head, a.bytes.slice().buffer)).not.toBeNull();
    expect(joinPackedRunBlock(head, a.bytes.slice(0, a.bytes.length - 8).buffer)).toBeNull();
    expect(joinPackedRunBlock(structuredClone(b.head), a.bytes.slice().buffer)).toBeNull();
    expect(joinPackedRunBlock({ ...head, arrays: head.arrays.slice(3) }, a.bytes.slice().buffer)).toBeNull();
    expect(joinPackedRunBlock({ ...head, arrays: [...head.arrays.slice(0, -3), 9, 0, 1] }, a.bytes.buffer)).toBeNull();
    expect(joinPackedRunBlock({ ...head, arrays: [4, 1, ...head.arrays.slice(2)] }, a.bytes.buffer)).toBeNull();
    expect(
      joinPackedRunBlock({ arrays: head.arrays, block: encodeRunBlock(makeUniform(5)) }, a.bytes.buffer),
    ).toBeNull();
    expect(joinPackedRunBlock(null, a.bytes.buffer)).toBeNull();
    // A byte of its ASCII text that is not ASCII.
    const k = (head.block as { text: { $array: number } }).text.$array;
    const bad = a.bytes.slice();
    bad[head.arrays[3 * k + 1] as number] = 0xe9;
    expect(joinPackedRunBlock(head, bad.buffer)).toBeNull();
  });

  it('does not take a block of another format, or one whose parts disagree, for a packed block', () => {
    const block = encodeRunBlock(makeUniform(5));
    const good = stored(block);
    expect(isPackedRunBlock(good)).toBe(true);
    // Format 1: the block itself.
    expect(isPackedRunBlock(structuredClone(block))).toBe(false);
    const broken: ((p: PackedRunBlock) => unknown)[] = [
      (p) => ({ ...p, format: 3 }),
      (p) => ({ ...p, count: 6 }),
      (p) => ({ ...p, ends: p.ends.subarray(1) }),
      (p) => ({ ...p, text: `${p.text}x` }),
      (p) => ({ ...p, sourceCount: p.sourceCount + 1 }),
      (p) => ({ ...p, hasExtra: new Uint8Array(5).fill(1) }),
      (p) => ({ ...p, startTime: new Float64Array(4) }),
      (p) => ({ ...p, params: [{ size: 1, codes: new Uint32Array(4) }, ...p.params.slice(1)] }),
      (p) => ({ ...p, params: p.params.map((c) => ({ ...c, size: c.size + 1 })) }),
      (p) => ({ ...p, metrics: p.metrics.map((c) => ({ ...c, min: new Float32Array(5) })) }),
      (p) => ({ ...p, metrics: p.metrics.map((c) => ({ ...c, has: undefined })) }),
      () => null,
      () => 'packed',
    ];
    for (const damage of broken) expect(isPackedRunBlock(damage(structuredClone(good)))).toBe(false);
  });
});

function makeUniform(n: number): Run[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `run${i}`,
    source: { kind: 'mlflow', runId: `run${i}`, experimentId: '0' },
    name: `run-${i}`,
    status: 'FINISHED',
    lifecycleStage: 'active',
    startTime: 1000 + i,
    endTime: null,
    userId: 'ada',
    artifactUri: '',
    params: { lr: String(i % 3), opt: 'adam' },
    metrics: { a: i / 3, b: -i },
    metricSummaries: {
      a: { last: i / 3, min: 0, max: i, step: 1, timestamp: 5, count: 2 },
      b: { last: -i, min: -i, max: 0, step: 1, timestamp: 5, count: 2 },
    },
    tags: { team: i % 2 ? 'nlp' : 'vision' },
  }));
}
