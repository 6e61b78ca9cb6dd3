/**
 * The parallel-coordinates plot's columns read straight from run blocks (core run-block.ts), for
 * runs given by block and place: the same PcColumnData as pc-columns.ts columnOfRuns makes from
 * the runs (the runs table model's property test holds them equal), without a call per cell.
 * Metrics are copied from their typed arrays; a param or tag is decided once per distinct value
 * of each block (number, text or missing) and its cells looked up by dictionary code — at
 * 100,000 runs this is a few milliseconds a column where reading cell by cell took ten.
 */
import type { RunBlock } from '@cairn/core/runs';
import type { ColumnSpec, PcColumnData } from './pc-columns.ts';
import type { Cell, MetricSummaryKind } from './run-columns.ts';

/**
 * Cells of params' dictionaries, by dictionary: a block's arrays never change, and reading
 * a thousand numbers from text per block per column is most of a column's time otherwise.
 */
const paramCells = new WeakMap<readonly string[], Cell[]>();

/** Each dictionary code's cell (code 0: missing) as `cellValue` reads it: params that read as numbers are numbers. */
export function cellsOfDict(kind: 'param' | 'tag', dict: readonly string[]): Cell[] {
  if (kind === 'tag') return [null, ...dict];
  let cells = paramCells.get(dict);
  if (!cells) {
    cells = [
      null,
      ...dict.map((v): Cell => {
        const n = v.trim() === '' ? Number.NaN : Number(v);
        return Number.isFinite(n) ? n : v;
      }),
    ];
    paramCells.set(dict, cells);
  }
  return cells;
}

/** Where each plotted run is: its block, and its place in that block. */
export interface RunPlaces {
  blockOf: Uint32Array;
  at: Uint32Array;
}

/** A metric column: the summary's value where the run has it (else its last value), NaN where missing or not finite. */
export function metricColumn(
  blocks: readonly RunBlock[],
  places: RunPlaces,
  spec: ColumnSpec,
  summary: MetricSummaryKind,
): PcColumnData {
  const { blockOf, at } = places;
  const n = blockOf.length;
  const values = new Float64Array(n).fill(Number.NaN);
  const cols = blocks.map((b) => b.metrics.find((m) => m.key === spec.col.key));
  for (let k = 0; k < n; k++) {
    const c = cols[blockOf[k] as number];
    if (!c) continue;
    const i = at[k] as number;
    const has = c.has[i] as number;
    const v =
      summary !== 'last' && has & 2
        ? ((summary === 'min' ? c.min : c.max)[i] as number)
        : has & 1
          ? (c.value[i] as number)
          : Number.NaN;
    if (Number.isFinite(v)) values[k] = v;
  }
  return { col: spec.col, log: spec.log, kind: 'numeric', values };
}

/**
 * A param or tag column: numeric when every plotted cell is a number or missing, else text —
 * every cell as text (numbers as their text), labels in the order first met.
 */
export function dictColumn(blocks: readonly RunBlock[], places: RunPlaces, spec: ColumnSpec): PcColumnData {
  const kind = spec.col.kind === 'tag' ? 'tag' : 'param';
  const { blockOf, at } = places;
  const n = blockOf.length;
  const perBlock = blocks.map((b) => {
    const c = (kind === 'param' ? b.params : b.tags).find((t) => t.key === spec.col.key);
    return c ? { codes: c.codes, cells: cellsOfDict(kind, c.dict) } : null;
  });
  const cellAt = (k: number): Cell => {
    const d = perBlock[blockOf[k] as number];
    return d ? (d.cells[d.codes[at[k] as number] as number] as Cell) : null;
  };
  let text = false;
  for (let k = 0; k < n && !text; k++) text = typeof cellAt(k) === 'string';
  if (!text) {
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = cellAt(k);
      values[k] = typeof v === 'number' ? v : Number.NaN;
    }
    return { col: spec.col, log: spec.log, kind: 'numeric', values };
  }
  // Each block's codes mapped to labels once, as they are first met.
  const labels: string[] = [];
  const labelOf = new Map<string, number>();
  const mapped = perBlock.map((d) => (d ? new Int32Array(d.cells.length).fill(-2) : null));
  const codes = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const p = blockOf[k] as number;
    const d = perBlock[p];
    const m = mapped[p];
    if (!d || !m) {
      codes[k] = -1;
      continue;
    }
    const local = d.codes[at[k] as number] as number;
    let code = m[local] as number;
    if (code === -2) {
      const cell = d.cells[local] as Cell;
      if (cell === null) code = -1;
      else {
        const label = String(cell);
        code = labelOf.get(label) ?? labels.length;
        if (code === labels.length) {
          labels.push(label);
          labelOf.set(label, code);
        }
      }
      m[local] = code;
    }
    codes[k] = code;
  }
  return { col: spec.col, log: spec.log, kind: 'text', codes, labels };
}
