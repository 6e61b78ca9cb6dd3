/**
 * A hash set of byte ranges (a CSV field or a whole row, still inside the file's bytes), so a
 * million keys are matched without making a million strings. Open addressing over an Int32Array;
 * every entry keeps its hash so most probes are rejected without comparing bytes.
 */

/** Where one value's bytes are: `buf[start, end)`. Reused by callers to avoid an object per row. */
export interface ByteRange {
  buf: Uint8Array;
  start: number;
  end: number;
}

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  // FNV-1a, 32 bits.
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ (buf[k] as number), 0x01000193);
  return h | 0;
}

export function sameBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  if (ae - as !== be - bs) return false;
  for (let k = 0; k < ae - as; k++) if (a[as + k] !== b[bs + k]) return false;
  return true;
}

export class ByteRangeTable {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private size = 0;
  private readonly probe: ByteRange = { buf: new Uint8Array(0), start: 0, end: 0 };

  /** `rangeOf(id, out)` fills `out` with the bytes of entry `id` (entries are 0 … capacity-1). */
  constructor(
    capacity: number,
    private readonly rangeOf: (id: number, out: ByteRange) => void,
  ) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.slots = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    this.hashes = new Int32Array(Math.max(1, capacity));
  }

  get count(): number {
    return this.size;
  }

  /** The entry holding these bytes, or -1. `hash` is `hashBytes` of them, when the caller has it already. */
  find(buf: Uint8Array, start: number, end: number, hash = hashBytes(buf, start, end)): number {
    return this.lookup(buf, start, end, hash, -1);
  }

  /** Adds entry `id` with these bytes unless equal bytes are there: returns the entry already there, or -1 when added. */
  add(id: number, buf: Uint8Array, start: number, end: number, hash = hashBytes(buf, start, end)): number {
    return this.lookup(buf, start, end, hash, id);
  }

  private lookup(buf: Uint8Array, start: number, end: number, h: number, insert: number): number {
    const probe = this.probe;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = this.slots[s] as number;
      if (id === -1) {
        if (insert >= 0) {
          this.slots[s] = insert;
          this.hashes[insert] = h;
          this.size++;
        }
        return -1;
      }
      if (this.hashes[id] !== h) continue;
      this.rangeOf(id, probe);
      if (sameBytes(probe.buf, probe.start, probe.end, buf, start, end)) return id;
    }
  }
}
