/**
 * The run ids of the runs table's slots, as the page keeps them for selection: packed, one string
 * and the end of each id per message from the runs table's worker, not a string per run. At
 * 100,000 runs the page held 100,000 id strings that all survived, and each young-generation
 * collection during a first sync copied those that had come since the last: one took 43 ms of a
 * 66 ms task. Packed, a message's ids are two objects (a large string is not even moved), and an
 * id is cut out of its string when asked for (a selection, a plotted run), which is rare.
 *
 *   const ids = new SlotIds();
 *   ids.add(0, packIds(['a', 'b']));
 *   ids.get(1); // 'b'
 */

/** The ids of consecutive slots: their text end to end, and where each ends in it. */
export interface PackedIds {
  text: string;
  ends: Uint32Array;
}

export function packIds(ids: readonly string[]): PackedIds {
  const ends = new Uint32Array(ids.length);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    at += (ids[i] as string).length;
    ends[i] = at;
  }
  return { text: ids.join(''), ends };
}

export class SlotIds {
  /** The first slot of each chunk, increasing. */
  private starts: number[] = [];
  private chunks: PackedIds[] = [];
  private end = 0;

  /** One past the last slot with an id. */
  get size(): number {
    return this.end;
  }

  clear(): void {
    this.starts = [];
    this.chunks = [];
    this.end = 0;
  }

  /**
   * The ids of slots `from`… Slots only grow between clears, so `from` is the size so far; were it
   * less, the ids from there are replaced (the later ones dropped), and were it more, the slots in
   * between have no id.
   */
  add(from: number, packed: PackedIds): void {
    if (from < this.end) this.truncate(from);
    if (packed.ends.length === 0) return;
    this.starts.push(from);
    this.chunks.push(packed);
    this.end = from + packed.ends.length;
  }

  /** The id of a slot; undefined when none was given. */
  get(slot: number): string | undefined {
    const k = this.chunkOf(slot);
    if (k < 0) return undefined;
    const { text, ends } = this.chunks[k] as PackedIds;
    const i = slot - (this.starts[k] as number);
    if (i >= ends.length) return undefined;
    return text.slice(i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number);
  }

  /** The last chunk starting at or before `slot`; -1 when none does. */
  private chunkOf(slot: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as number) <= slot) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private truncate(to: number): void {
    while (this.starts.length > 0 && (this.starts.at(-1) as number) >= to) {
      this.starts.pop();
      this.chunks.pop();
    }
    const k = this.chunks.length - 1;
    if (k >= 0) {
      const { text, ends } = this.chunks[k] as PackedIds;
      const keep = Math.min(ends.length, to - (this.starts[k] as number));
      this.chunks[k] = { text: text.slice(0, keep === 0 ? 0 : ends[keep - 1]), ends: ends.slice(0, keep) };
      this.end = (this.starts[k] as number) + keep;
    } else this.end = 0;
  }
}
