/**
 * The runs of one repository as the runs table's worker holds them: columnar blocks (core
 * run-block.ts: typed arrays, dictionary-encoded strings), never 100,000 run objects. It answers
 * what the table asks — the shown runs after a filter and a sort as an index permutation (a
 * Uint32Array of run slots), the runs of a few slots (the rows in view), the columns, the counts —
 * and, for the rarer whole-list work (groups, "only columns that differ", CSV), decodes the
 * shown runs and uses the same row-wise functions the table always used.
 *
 * A slot is a run's place in the order its blocks came in (the stored order, then feed pages);
 * a run that comes again (a feed page with an updated run) takes a new slot and its old one is
 * dead. Dead slots keep their block's arrays, so `compactIfSparse` rewrites the blocks once
 * enough are dead (or small blocks pile up), numbering the slots again: a run updated by every
 * poll of a long session costs one live slot, not one more block per poll. Filter and sort are
 * exactly run-table.ts filterRuns + sortRuns over the live runs (the property test holds them
 * equal). Git experiments are keyed by name as the views show them (keyed-runs.ts); `stored`
 * keeps the blocks as the store holds the rows. Pure: no I/O.
 */
import {
  decodeRunBlock,
  encodeRunBlock,
  filterRunBlock,
  RUN_STATUSES,
  type Run,
  type RunBlock,
  type RunNotes,
  type RunSource,
  shareEqualArrays,
} from '@cairn/core/runs';
import { type ColumnOrder, columnOrder, MISSING, NOT_A_NUMBER, pickInOrder, TEXT } from './column-order.ts';
import { keyedRun } from './keyed-runs.ts';
import { cellsOfDict, dictColumn, metricColumn } from './pc-block-columns.ts';
import { type ColumnSpec, encodeColumn, type PcColumnData } from './pc-columns.ts';
import {
  addBlockKeys,
  addRunKeys,
  type Cell,
  type Column,
  type ColumnKeys,
  columnsFromKeys,
  differingColumns,
  type MetricSummaryKind,
  mergeColumnKeys,
  newColumnKeys,
  noteCell,
  parseColumnId,
  sourceLabel,
} from './run-columns.ts';
import { BLOCK_RUNS } from './run-store.ts';
import { groupRuns, mentionsNote, readFilter } from './run-table.ts';
import { runsToCsv } from './runs-csv.ts';

export interface TableQuery {
  filter: string;
  /** The sorted-by column id (null: start time). */
  sort: string | null;
  direction: 'asc' | 'desc';
  summary: MetricSummaryKind;
  /** Runs' notes by run id: read by a filter that names `note` and by the note column's sort. */
  notes?: RunNotes;
}

/** A group of the shown runs (run-table.ts RunGroup, with slots instead of runs). */
export interface SlotGroup {
  value: string;
  slots: Uint32Array;
  aggregates: Record<string, { count: number; mean: number; min: number; max: number }>;
}

const METRICS_STATE_TAG = 'cairn.metrics_state';
/** Column orders kept (each is 5 bytes per run: 500 KB at 100,000 runs). */
const ORDERS_KEPT = 8;
const NO_NOTES: RunNotes = new Map();

/** A run as plain data (a decoded run's lazy summaries made), so it survives a postMessage. */
export function plainRun(r: Run): Run {
  return {
    id: r.id,
    source: r.source,
    name: r.name,
    status: r.status,
    lifecycleStage: r.lifecycleStage,
    startTime: r.startTime,
    endTime: r.endTime,
    userId: r.userId,
    artifactUri: r.artifactUri,
    params: r.params,
    metrics: r.metrics,
    metricSummaries: r.metricSummaries,
    tags: r.tags,
  };
}

/** Run i of a block as `cellValue` reads it, without decoding the run (per block, per column). */
function cellReader(
  block: RunBlock,
  col: Column,
  summary: MetricSummaryKind,
  notes: RunNotes | undefined,
): (i: number) => Cell {
  switch (col.kind) {
    case 'metric': {
      const c = block.metrics.find((m) => m.key === col.key);
      if (!c) return () => null;
      if (summary === 'last') return (i) => ((c.has[i] as number) & 1 ? (c.value[i] as number) : null);
      const s = summary === 'min' ? c.min : c.max;
      return (i) => {
        const has = c.has[i] as number;
        return has & 2 ? (s[i] as number) : has & 1 ? (c.value[i] as number) : null;
      };
    }
    case 'param':
    case 'tag': {
      const c = (col.kind === 'param' ? block.params : block.tags).find((t) => t.key === col.key);
      if (!c) return () => null;
      // Decided once per distinct value: params that read as numbers sort as numbers.
      const cells = cellsOfDict(col.kind, c.dict);
      return (i) => cells[c.codes[i] as number] as Cell;
    }
    case 'attr':
      switch (col.key) {
        case 'name':
          return (i) => block.names[i] as string;
        case 'status':
          return (i) => RUN_STATUSES[block.status[i] as number] ?? null;
        case 'start_time':
          return (i) => {
            const t = block.startTime[i] as number;
            return Number.isNaN(t) ? null : t;
          };
        case 'source': {
          const labels = block.sources.map((s) => sourceLabel({ source: JSON.parse(s) as RunSource } as Run));
          return (i) => labels[block.sourceOf[i] as number] as string;
        }
        case 'user':
          return (i) => block.users[i] as string;
        case 'note':
          return (i) => noteCell({ id: block.ids[i] } as Run, notes);
        default:
          return () => null;
      }
  }
}

/** When `compactIfSparse` rewrites the blocks (tests make these small to rewrite often). */
export interface Compaction {
  /** Runs per block it writes (the snapshot's BLOCK_RUNS). */
  blockRuns: number;
  /** Dead slots it takes (and a quarter of all slots) before the blocks are rewritten. */
  minDead: number;
}

const COMPACTION: Compaction = { blockRuns: BLOCK_RUNS, minDead: BLOCK_RUNS };

export class RunTableModel {
  constructor(private readonly compaction: Compaction = COMPACTION) {}

  /** Blocks as queried (git experiments keyed by name) and as stored (the rows' form). */
  private view: RunBlock[] = [];
  private stored: RunBlock[] = [];
  /** Per block, the keys of its live runs once asked for while some slot is dead (see columns). */
  private liveKeys: (ColumnKeys | undefined)[] = [];
  /** Slot of each block's first run. */
  private starts: number[] = [];
  private slots = 0;
  /** 1 where the slot's run came again later (or is gone). */
  private dead = new Uint8Array(1024);
  private deadCount = 0;
  private slotOf = new Map<string, number>();
  /** The run id of every slot. */
  private allIds: string[] = [];
  private keys: ColumnKeys = newColumnKeys();
  /** The keyed git experiments of each keyed block (their key origins name the columns' files). */
  private keyedRuns = new Map<RunBlock, Run[]>();

  private keyedOf(block: RunBlock, i: number, decoded: Run): Run {
    return this.keyedRuns.get(block)?.[i] ?? decoded;
  }

  /** Live runs. */
  get count(): number {
    return this.slots - this.deadCount;
  }
  /** Every slot so far (live or dead); slots are never reused. */
  get slotCount(): number {
    return this.slots;
  }

  /** Blocks held (each a few dozen arrays). */
  get blockCount(): number {
    return this.view.length;
  }

  clear(): void {
    this.view = [];
    this.stored = [];
    this.liveKeys = [];
    this.starts = [];
    this.slots = 0;
    this.dead = new Uint8Array(1024);
    this.deadCount = 0;
    this.slotOf.clear();
    this.keys = newColumnKeys();
    this.keyedRuns.clear();
    this.allIds = [];
    this.idSorted = new Uint32Array(0);
    this.idRanks = null;
    this.orders.clear();
  }

  /** Adds a block of runs (the store's, or a feed page): a run already held is replaced. */
  add(block: RunBlock): void {
    if (block.count === 0) return;
    const start = this.slots;
    let view = block;
    if (block.extra.some((e) => e !== null)) {
      // Git experiments (the only rows with extras) are few: keyed as runs, then encoded again.
      const keyed = decodeRunBlock(block).map(({ run }) => keyedRun(run));
      for (const k of keyed) addRunKeys(this.keys, k);
      view = encodeRunBlock(keyed, (_r, i) => block.extra[i] ?? null);
      this.keyedRuns.set(view, keyed);
    } else addBlockKeys(this.keys, block);
    if (this.dead.length < start + block.count) {
      const grown = new Uint8Array(Math.max(this.dead.length * 2, start + block.count));
      grown.set(this.dead);
      this.dead = grown;
    }
    for (let i = 0; i < block.count; i++) {
      const id = block.ids[i] as string;
      const before = this.slotOf.get(id);
      if (before !== undefined) this.kill(before);
      this.slotOf.set(id, start + i);
    }
    // A snapshot written before arrays were shared holds seven per metric column.
    shareEqualArrays(block.metrics);
    this.view.push(view);
    this.stored.push(block);
    this.liveKeys.push(undefined);
    this.starts.push(start);
    this.slots += block.count;
    for (let i = 0; i < block.count; i++) this.allIds.push(block.ids[i] as string);
    this.idRanks = null;
    this.orders.clear();
  }

  private kill(slot: number): void {
    if (this.dead[slot]) return;
    this.dead[slot] = 1;
    this.deadCount++;
    this.liveKeys[this.locate(slot)[0]] = undefined;
  }

  /**
   * Rewrites the blocks when a quarter of the slots (and at least `minDead`) are dead, or when
   * there are more than twice the blocks the live runs need (a poll's page of a few runs is a
   * block of its own): blocks without dead runs that are at least half full stay as they are,
   * the live runs of the others are written again into full blocks after them (one block at
   * most is less than full, so a compaction leaves neither condition true). Slots are numbered
   * again from 0 (the caller's slots and ids are void; queries order by value and run id, never
   * by slot): returns whether it did.
   */
  compactIfSparse(): boolean {
    const { blockRuns, minDead } = this.compaction;
    const sparse = this.deadCount >= minDead && this.deadCount * 4 >= this.slots;
    const scattered = this.view.length > 2 * Math.ceil(this.count / blockRuns) + 8;
    if (!sparse && !scattered) return false;
    const blocks: RunBlock[] = [];
    let pending: { run: Run; extra: string | null }[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const runs = pending;
      pending = [];
      blocks.push(
        encodeRunBlock(
          runs.map((d) => d.run),
          (_r, i) => runs[i]?.extra ?? null,
        ),
      );
    };
    this.stored.forEach((b, p) => {
      const start = this.starts[p] as number;
      let dead = 0;
      for (let i = 0; i < b.count; i++) dead += this.dead[start + i] as number;
      if (dead === 0 && b.count * 2 >= blockRuns) {
        blocks.push(b);
        return;
      }
      if (dead === b.count) return;
      decodeRunBlock(b).forEach((d, i) => {
        if (this.dead[start + i]) return;
        pending.push(d);
        if (pending.length >= blockRuns) flush();
      });
    });
    flush();
    this.clear();
    for (const b of blocks) this.add(b);
    return true;
  }

  /** The block holding a slot, and the run's index in it. */
  private locate(slot: number): [number, number] {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.starts[mid] as number) <= slot) lo = mid;
      else hi = mid - 1;
    }
    return [lo, slot - (this.starts[lo] as number)];
  }

  /**
   * Every column the live runs have (columnsOf of them). Asked after every change: with dead
   * slots, each block's live keys are gathered once and kept until another of its runs dies.
   */
  columns(): Column[] {
    if (this.deadCount === 0) return columnsFromKeys(this.keys);
    // A run that came again may have lost keys: gathered from the live runs only.
    const keys = newColumnKeys();
    this.view.forEach((b, p) => {
      let known = this.liveKeys[p];
      if (!known) {
        known = this.liveKeysOf(b, p);
        this.liveKeys[p] = known;
      }
      mergeColumnKeys(keys, known);
    });
    return columnsFromKeys(keys);
  }

  private liveKeysOf(b: RunBlock, p: number): ColumnKeys {
    const keys = newColumnKeys();
    const start = this.starts[p] as number;
    const live = (i: number) => !this.dead[start + i];
    if (b.extra.some((e) => e !== null)) {
      decodeRunBlock(b).forEach((d, i) => {
        if (live(i)) addRunKeys(keys, this.keyedOf(b, i, d.run));
      });
      return keys;
    }
    const any = (has: (i: number) => boolean) => {
      for (let i = 0; i < b.count; i++) if (live(i) && has(i)) return true;
      return false;
    };
    for (const c of b.params) if (any((i) => c.codes[i] !== 0)) keys.params.add(c.key);
    for (const c of b.tags) if (!c.key.startsWith('mlflow.') && any((i) => c.codes[i] !== 0)) keys.tags.add(c.key);
    for (const c of b.metrics) if (any((i) => ((c.has[i] as number) & 1) !== 0)) keys.metrics.add(c.key);
    return keys;
  }

  /** Live git experiments, and whether any run's metrics are kept in DVC data (not in git). */
  stats(): { git: number; metricsOutsideGit: boolean } {
    let git = 0;
    let outside = false;
    this.view.forEach((b, p) => {
      const start = this.starts[p] as number;
      const state = b.tags.find((t) => t.key === METRICS_STATE_TAG);
      const code = state ? state.dict.indexOf('in-dvc-data') + 1 : 0;
      for (let i = 0; i < b.count; i++) {
        if (this.dead[start + i]) continue;
        if (b.extra[i] !== null) git++;
        if (code && state?.codes[i] === code) outside = true;
      }
    });
    return { git, metricsOutsideGit: outside };
  }

  /** Ids of slots from..to (the page keeps them, for selection). */
  ids(from = 0, to = this.slots): string[] {
    return this.allIds.slice(from, to);
  }

  /** The run in a slot, as plain data. */
  runAt(slot: number): Run {
    const [p, i] = this.locate(slot);
    return plainRun((decodeRunBlock(this.view[p] as RunBlock, i, i + 1)[0] as { run: Run }).run);
  }

  runById(id: string): Run | null {
    const slot = this.slotOf.get(id);
    return slot === undefined ? null : this.runAt(slot);
  }

  /** The live slots the filter keeps, in slot order (an invalid filter keeps none). */
  filter(text: string, notes?: RunNotes): Uint32Array {
    const reading = readFilter(text);
    if (reading.kind === 'error') return new Uint32Array(0);
    const withNotes = notes ?? (mentionsNote(text) ? NO_NOTES : undefined);
    const parts: Uint32Array[] = [];
    let total = 0;
    this.view.forEach((b, p) => {
      const start = this.starts[p] as number;
      let local: Uint32Array;
      if (reading.kind === 'names') {
        const keep: number[] = [];
        for (let i = 0; i < b.count; i++)
          if ((b.names[i] as string).toLowerCase().includes(reading.needle)) keep.push(i);
        local = Uint32Array.from(keep);
      } else local = filterRunBlock(b, reading.node, withNotes);
      let live = 0;
      for (let k = 0; k < local.length; k++) {
        const slot = start + (local[k] as number);
        if (!this.dead[slot]) local[live++] = slot;
      }
      parts.push(local.subarray(0, live));
      total += live;
    });
    const out = new Uint32Array(total);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /**
   * Slots in run id order (ties by slot), covering slots 0…idSorted.length-1, and each slot's
   * place in it. New slots are sorted among themselves and merged in: a feed page costs its own
   * sort and one pass, not a sort of every id again.
   */
  private idSorted = new Uint32Array(0);
  private idRanks: Uint32Array | null = null;
  private idRank(): Uint32Array {
    if (this.idRanks && this.idRanks.length === this.slots) return this.idRanks;
    const ids = this.allIds;
    const byId = (a: number, b: number) => {
      const x = ids[a] as string;
      const y = ids[b] as string;
      return x < y ? -1 : x > y ? 1 : a - b;
    };
    const old = this.idSorted;
    const added = Uint32Array.from({ length: this.slots - old.length }, (_, i) => old.length + i).sort(byId);
    const merged = new Uint32Array(this.slots);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < added.length)
      merged[k++] = byId(old[i] as number, added[j] as number) <= 0 ? (old[i++] as number) : (added[j++] as number);
    while (i < old.length) merged[k++] = old[i++] as number;
    while (j < added.length) merged[k++] = added[j++] as number;
    const rank = new Uint32Array(this.slots);
    for (let r = 0; r < merged.length; r++) rank[merged[r] as number] = r;
    this.idSorted = merged;
    this.idRanks = rank;
    return rank;
  }

  /** Column orders made since the runs last changed, by column (and summary), newest last. */
  private orders = new Map<string, ColumnOrder>();

  /**
   * Every slot ordered by one column as run-table.ts sortRuns orders runs (column-order.ts),
   * made once per column while the runs held stay the same. The note column's order depends
   * on the notes given, so it is made each time.
   */
  private columnOrderOf(col: Column, summary: MetricSummaryKind, notes?: RunNotes): ColumnOrder {
    const key = col.kind === 'metric' ? `${col.id}\u0000${summary}` : col.id;
    const noted = col.kind === 'attr' && col.key === 'note';
    const cached = noted ? undefined : this.orders.get(key);
    if (cached) {
      // Most recently used last.
      this.orders.delete(key);
      this.orders.set(key, cached);
      return cached;
    }
    const n = this.slots;
    const cls = new Uint8Array(n);
    const nums = new Float64Array(n);
    const texts: (string | undefined)[] = new Array(n);
    this.view.forEach((b, p) => {
      const start = this.starts[p] as number;
      const read = cellReader(b, col, summary, notes);
      for (let i = 0; i < b.count; i++) {
        const s = start + i;
        const v = read(i);
        if (v === null) cls[s] = MISSING;
        else if (typeof v === 'number') {
          if (Number.isNaN(v)) cls[s] = NOT_A_NUMBER;
          else nums[s] = v;
        } else {
          cls[s] = TEXT;
          texts[s] = v;
        }
      }
    });
    const made = columnOrder(cls, nums, texts, this.idRank());
    if (!noted) {
      this.orders.set(key, made);
      if (this.orders.size > ORDERS_KEPT) this.orders.delete(this.orders.keys().next().value as string);
    }
    return made;
  }

  /**
   * `slots` ordered by one column as run-table.ts sortRuns orders runs: numbers, then NaN, then
   * text (all reversed for 'desc'), missing last either way, ties in run id order (the order
   * the page held runs in when it read them from the store, by id).
   */
  order(slots: Uint32Array, col: Column, direction: 'asc' | 'desc', summary: MetricSummaryKind, notes?: RunNotes) {
    const keep = new Uint8Array(this.slots);
    for (let k = 0; k < slots.length; k++) keep[slots[k] as number] = 1;
    return pickInOrder(this.columnOrderOf(col, summary, notes), keep, slots.length, direction);
  }

  /** The shown runs: filtered, then sorted (by start time, newest first, when no column is named); ties by run id. */
  query(q: TableQuery): Uint32Array {
    const kept = this.filter(q.filter, q.notes);
    const col = parseColumnId(q.sort || 'attr:start_time');
    if (!col) return kept;
    return this.order(kept, col, q.sort ? q.direction : 'desc', q.summary, q.notes);
  }

  /** The runs of many slots (decoded a block at a time), for the whole-list work below. */
  runsOf(slots: Uint32Array): Run[] {
    const decoded: (Run[] | undefined)[] = [];
    const out: Run[] = new Array(slots.length);
    for (let k = 0; k < slots.length; k++) {
      const [p, i] = this.locate(slots[k] as number);
      let runs = decoded[p];
      if (!runs) {
        runs = decodeRunBlock(this.view[p] as RunBlock).map((d) => d.run);
        decoded[p] = runs;
      }
      out[k] = runs[i] as Run;
    }
    return out;
  }

  groups(slots: Uint32Array, by: Column, metricCols: readonly Column[], summary: MetricSummaryKind): SlotGroup[] {
    const runs = this.runsOf(slots);
    const slotOfRun = new Map<Run, number>(runs.map((r, k) => [r, slots[k] as number]));
    return groupRuns(runs, by, metricCols, summary).map((g) => ({
      value: g.value,
      aggregates: g.aggregates,
      slots: Uint32Array.from(g.runs, (r) => slotOfRun.get(r) as number),
    }));
  }

  differing(slots: Uint32Array, cols: readonly Column[], summary: MetricSummaryKind, notes?: RunNotes): string[] {
    return differingColumns(this.runsOf(slots), cols, summary, notes).map((c) => c.id);
  }

  csv(slots: Uint32Array, cols: readonly Column[], summary: MetricSummaryKind, notes?: RunNotes): string {
    return runsToCsv(this.runsOf(slots), cols, summary, notes);
  }

  /**
   * The parallel-coordinates plot's columns of `slots`, in that order: each run's cell read
   * straight from its block as `cellValue` reads the run (the same cells as pc-columns.ts
   * columnOfRuns), typed — so the plot of 100,000 runs never needs their run objects.
   */
  plotColumns(slots: Uint32Array, specs: readonly ColumnSpec[], summary: MetricSummaryKind): PcColumnData[] {
    const n = slots.length;
    // Block and place of each slot, found once for every column.
    const blockOf = new Uint32Array(n);
    const at = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const [p, i] = this.locate(slots[k] as number);
      blockOf[k] = p;
      at[k] = i;
    }
    const places = { blockOf, at };
    return specs.map((spec) => {
      const { col, log } = spec;
      if (col.kind === 'metric') return metricColumn(this.view, places, spec, summary);
      if (col.kind === 'param' || col.kind === 'tag') return dictColumn(this.view, places, spec);
      const readers = this.view.map((b) => cellReader(b, col, summary, undefined));
      return encodeColumn(col, n, (k) => (readers[blockOf[k] as number] as (i: number) => Cell)(at[k] as number), log);
    });
  }

  /** Whether some slot is dead (then `storedBlocks` re-encodes the blocks holding one). */
  get hasDead(): boolean {
    return this.deadCount > 0;
  }

  /** The live runs as the store holds them (the snapshot's blocks), in slot order. */
  storedBlocks(): RunBlock[] {
    return this.stored.flatMap((b, p) => {
      const start = this.starts[p] as number;
      let dead = 0;
      for (let i = 0; i < b.count; i++) dead += this.dead[start + i] as number;
      if (dead === 0) return [b];
      if (dead === b.count) return [];
      const live = decodeRunBlock(b).filter((_, i) => !this.dead[start + i]);
      return [
        encodeRunBlock(
          live.map((d) => d.run),
          (_r, i) => live[i]?.extra ?? null,
        ),
      ];
    });
  }
}
