/**
 * A DAG drawn in a terminal the way `dvc dag` draws it: each node a `+---+ / | name | / +---+`
 * box, nodes in layers (a node sits one layer below its lowest parent), edges as lines of `*`
 * from the bottom of a parent to the top of a child. Lines only fill blank cells, so boxes stay
 * readable where a long edge passes a layer.
 */

export interface AsciiGraph {
  /** Node labels, in an order where every parent comes before its children. */
  nodes: string[];
  edges: { from: string; to: string }[];
}

const GAP_X = 3;
const GAP_Y = 3;

export function drawAsciiDag(graph: AsciiGraph): string {
  if (graph.nodes.length === 0) return '';
  const rank = new Map<string, number>(graph.nodes.map((n) => [n, 0]));
  const parents = new Map<string, string[]>();
  for (const e of graph.edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  for (const n of graph.nodes) {
    for (const p of parents.get(n) ?? []) rank.set(n, Math.max(rank.get(n)!, (rank.get(p) ?? 0) + 1));
  }
  const layers: string[][] = [];
  for (const n of graph.nodes) {
    const r = rank.get(n)!;
    layers[r] = [...(layers[r] ?? []), n];
  }

  const boxWidth = (n: string) => n.length + 4;
  const rowWidth = (layer: string[]) => layer.reduce((w, n) => w + boxWidth(n), 0) + GAP_X * (layer.length - 1);
  const width = Math.max(...layers.map(rowWidth));
  const height = layers.length * 3 + (layers.length - 1) * GAP_Y;
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  const at = new Map<string, { x: number; y: number; w: number }>();

  layers.forEach((layer, i) => {
    let x = Math.floor((width - rowWidth(layer)) / 2);
    const y = i * (3 + GAP_Y);
    for (const n of layer) {
      const w = boxWidth(n);
      const rule = `+${'-'.repeat(w - 2)}+`;
      const text = `| ${n} |`;
      for (let k = 0; k < w; k++) {
        grid[y]![x + k] = rule[k]!;
        grid[y + 1]![x + k] = text[k]!;
        grid[y + 2]![x + k] = rule[k]!;
      }
      at.set(n, { x, y, w });
      x += w + GAP_X;
    }
  });

  for (const e of graph.edges) {
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
