/**
 * A DAG drawn in a terminal the way `dvc dag` draws it: each node a `+---+ / | name | / +---+`
 * box, nodes in layers (a node sits one layer below its lowest parent), edges as lines of `*`
 * from the bottom of a parent to the top of a child. An edge that skips layers is routed as DVC's
 * layout (grandalf) routes it: through a one-column waypoint in each layer it crosses, placed
 * beside that layer's boxes, so it never runs hidden behind a box. Each layer is ordered by the
 * mean position of its parents (fewer crossings). Lines only fill blank cells.
 */

export interface AsciiGraph {
  /** Node labels, in an order where every parent comes before its children. */
  nodes: string[];
  edges: { from: string; to: string }[];
}

const GAP_X = 3;
const GAP_Y = 3;

/** A box, or a waypoint of a long edge (`label` null, one column wide). */
interface Cell {
  id: string;
  label: string | null;
  parents: string[];
}

export function drawAsciiDag(graph: AsciiGraph): string {
  if (graph.nodes.length === 0) return '';
  const rank = new Map<string, number>(graph.nodes.map((n) => [n, 0]));
  const parents = new Map<string, string[]>();
  for (const e of graph.edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  for (const n of graph.nodes) {
    for (const p of parents.get(n) ?? []) rank.set(n, Math.max(rank.get(n)!, (rank.get(p) ?? 0) + 1));
  }
  const layers: Cell[][] = [];
  const put = (r: number, c: Cell) => {
    layers[r] = [...(layers[r] ?? []), c];
  };
  for (const n of graph.nodes) put(rank.get(n)!, { id: n, label: n, parents: [] });
  // Segments to draw; a long edge becomes parent → waypoint → … → child.
  const segments: { from: string; to: string }[] = [];
  const byId = new Map(layers.flat().map((c) => [c.id, c]));
  graph.edges.forEach((e, i) => {
    const r0 = rank.get(e.from);
    const r1 = rank.get(e.to);
    if (r0 === undefined || r1 === undefined) return;
    let prev = e.from;
    for (let r = r0 + 1; r < r1; r++) {
      const id = `\0${i}:${r}`;
      const c: Cell = { id, label: null, parents: [prev] };
      put(r, c);
      byId.set(id, c);
      segments.push({ from: prev, to: id });
      prev = id;
    }
    byId.get(e.to)?.parents.push(prev);
    segments.push({ from: prev, to: e.to });
  });

  const widthOf = (c: Cell) => (c.label === null ? 1 : c.label.length + 4);
  const rowWidth = (layer: Cell[]) => layer.reduce((w, c) => w + widthOf(c), 0) + GAP_X * (layer.length - 1);
  const width = Math.max(...layers.map(rowWidth));
  const height = layers.length * 3 + (layers.length - 1) * GAP_Y;
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  const at = new Map<string, { x: number; y: number; w: number }>();
  const centre = (id: string) => {
    const a = at.get(id);
    return a ? a.x + Math.floor(a.w / 2) : 0;
  };

  layers.forEach((layer, i) => {
    if (i > 0) {
      // Barycentre order: each cell under the mean of its parents (stable for ties).
      const key = new Map(
        layer.map((c, k) => [
          c.id,
          c.parents.length ? c.parents.reduce((s, p) => s + centre(p), 0) / c.parents.length : k,
        ]),
      );
      layer.sort((a, b) => key.get(a.id)! - key.get(b.id)!);
    }
    let x = Math.floor((width - rowWidth(layer)) / 2);
    const y = i * (3 + GAP_Y);
    for (const c of layer) {
      const w = widthOf(c);
      if (c.label === null) {
        for (let k = 0; k < 3; k++) grid[y + k]![x] = '*';
      } else {
        const rule = `+${'-'.repeat(w - 2)}+`;
        const text = `| ${c.label} |`;
        for (let k = 0; k < w; k++) {
          grid[y]![x + k] = rule[k]!;
          grid[y + 1]![x + k] = text[k]!;
          grid[y + 2]![x + k] = rule[k]!;
        }
      }
      at.set(c.id, { x, y, w });
      x += w + GAP_X;
    }
  });

  for (const e of segments) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    line(grid, a.x + Math.floor(a.w / 2), a.y + 3, b.x + Math.floor(b.w / 2), b.y - 1);
  }
  return grid.map((row) => row.join('').trimEnd()).join('\n');
}

/** Bresenham's line of `*` between two cells, on blank cells only. */
function line(grid: string[][], x0: number, y0: number, x1: number, y1: number): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  let x = x0;
  let y = y0;
  for (;;) {
    if (grid[y]?.[x] === ' ') grid[y]![x] = '*';
    if (x === x1 && y === y1) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}
