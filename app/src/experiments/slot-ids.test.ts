/**
 * The page's run ids by slot, packed (slot-ids.ts): every slot answers the id the runs table's
 * worker sent for it, whatever the ids hold (any Unicode, empty) and however the messages split
 * them, as the plain array the page kept before did.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packIds, SlotIds } from './slot-ids.ts';

/** The page's old way: an array written at each message's slots (a message from below the end replaces the rest). */
function reference(messages: readonly [from: number, ids: string[]][]): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const [from, ids] of messages) {
    if (from < out.length) out.length = from;
    ids.forEach((id, i) => {
      out[from + i] = id;
    });
  }
  return out;
}

describe('SlotIds', () => {
  it('answers each slot the id sent for it, in messages that follow one another', () => {
    const ids = new SlotIds();
    ids.add(0, packIds(['run-a', 'run-b']));
    ids.add(2, packIds([]));
    ids.add(2, packIds(['', 'é🧪', 'run-d']));
    expect([0, 1, 2, 3, 4].map((s) => ids.get(s))).toEqual(['run-a', 'run-b', '', 'é🧪', 'run-d']);
    expect(ids.size).toBe(5);
    expect(ids.get(5)).toBeUndefined();
    expect(ids.get(-1)).toBeUndefined();
    ids.clear();
    expect(ids.get(0)).toBeUndefined();
    expect(ids.size).toBe(0);
  });

  it('equals the array the page kept, for any ids and any split, gaps and restarts included', () => {
    const message = fc.tuple(
      fc.nat({ max: 40 }),
      fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), fc.boolean(), (raw, grow) => {
        // As the worker sends them (each from the end of the last), or from anywhere.
        let end = 0;
        const messages = raw.map(([from, list]): [number, string[]] => {
          const at = grow ? end : from;
          end = at + list.length;
          return [at, list];
        });
        const ids = new SlotIds();
        for (const [from, list] of messages) ids.add(from, packIds(list));
        const want = reference(messages);
        for (let s = 0; s < want.length + 3; s++) expect(ids.get(s)).toBe(want[s]);
        expect(ids.size).toBe(want.findLastIndex((id) => id !== undefined) + 1);
      }),
      { numRuns: 500 },
    );
  });
});
