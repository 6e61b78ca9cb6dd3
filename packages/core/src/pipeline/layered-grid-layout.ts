/**
 * A layered layout for graphs too large for dagre: dagre orders each layer to cut crossings,
 * which takes it seconds at 500 nodes and many minutes at 2,000 when a `matrix` stage puts them
 * all in one layer. Here, in linear time after one sort per layer: each node's layer is its
 * longest path from a source (as dagre's `longest-path` ranker), nodes of a layer are ordered by
 * the mean position of their parents (one barycentre sweep, input order breaking ties), and a
 * layer wider than the drawing should be is wrapped into rows — 500 sibling stages become a
 * block instead of a line 80,000 px wide that no zoom level makes readable.
 *
 * Positions are box centres, top to bottom, for cytoscape's `preset` layout.
 */

export interface GridNode {
  id: string;
  /** Box width and height in graph units. */
  w: number;
  h: number;
}

export interface GridEdge {
  source: string;
  target: string;
}

export interface GridLayoutOptions {
  /** Horizontal gap between boxes. */
  nodeSep?: number;
  /** Vertical gap between layers. */
  rankSep?: number;
  /** Vertical gap between the rows a wide layer is wrapped into. */
  rowSep?: number;
  /** Widest row; default: about twice the side of a square holding every box. */
  maxRowWidth?: number;
}

export interface GridLayout {
  positions: Record<string, { x: number; y: number }>;
  /** Layers (top to bottom), each node id in drawing order. */
  layers: string[][];
}

/** Layer of each node: the longest path to it from a node without parents (cycles: after all). */
function layersOf(
  nodes: GridNode[],
  parents: Map<string, string[]>,
  children: Map<string, string[]>,
): Map<string, number> {
  const pending = new Map(nodes.map((n) => [n.id, parents.get(n.id)?.length ?? 0]));
  const layer = new Map<string, number>();
  const queue = nodes.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const c of children.get(id) ?? []) {
      layer.set(c, Math.max(layer.get(c) ?? 0, layer.get(id)! + 1));
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) queue.push(c);
    }
  }
  // A cycle never empties its nodes' counts: put them below everything else, as they come.
  const last = Math.max(-1, ...layer.values()) + 1;
  for (const n of nodes) if (pending.get(n.id)! > 0) layer.set(n.id, last);
  return layer;
}

export function layeredGridLayout(nodes: GridNode[], edges: GridEdge[], options: GridLayoutOptions = {}): GridLayout {
  const nodeSep = options.nodeSep ?? 24;
  const rankSep = options.rankSep ?? 56;
  const rowSep = options.rowSep ?? 16;
  const known = new Set(nodes.map((n) => n.id));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const e of edges) {
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target) continue;
    (parents.get(e.target) ?? parents.set(e.target, []).get(e.target)!).push(e.source);
    (children.get(e.source) ?? children.set(e.source, []).get(e.source)!).push(e.target);
  }
  const layerOf = layersOf(nodes, parents, children);
  const layers: string[][] = [];
  for (const n of nodes) {
    const l = layerOf.get(n.id)!;
    const layer = layers[l] ?? [];
    layer.push(n.id);
    layers[l] = layer;
  }
  const dense = layers.filter((l) => l !== undefined);

  // One sweep down: a node sits under the mean place of its parents in the layers above.
  const place = new Map<string, number>();
  for (const layer of dense) {
    const input = new Map(layer.map((id, i) => [id, i]));
    const key = new Map(
      layer.map((id) => {
        const ps = (parents.get(id) ?? []).filter((p) => place.has(p));
        return [id, ps.length ? ps.reduce((s, p) => s + place.get(p)!, 0) / ps.length : Number.POSITIVE_INFINITY];
      }),
    );
    layer.sort((a, b) => key.get(a)! - key.get(b)! || input.get(a)! - input.get(b)!);
    // Places as fractions of the layer, so a wide layer and a narrow one line up by proportion.
    for (const [i, id] of layer.entries()) place.set(id, (i + 0.5) / layer.length);
  }

  const size = new Map(nodes.map((n) => [n.id, n]));
  const area = nodes.reduce((s, n) => s + (n.w + nodeSep) * (n.h + rowSep), 0);
  const widest = Math.max(0, ...nodes.map((n) => n.w));
  const maxRowWidth = Math.max(options.maxRowWidth ?? Math.max(1600, 2 * Math.sqrt(area)), widest);

  const positions: GridLayout['positions'] = {};
  let top = 0;
  for (const layer of dense) {
    // Wrap the layer into rows no wider than maxRowWidth, each centred on x = 0.
    const rows: string[][] = [[]];
    let width = 0;
    for (const id of layer) {
      const w = size.get(id)!.w;
      const row = rows[rows.length - 1]!;
      if (row.length > 0 && width + nodeSep + w > maxRowWidth) {
        rows.push([id]);
        width = w;
      } else {
        width += (row.length > 0 ? nodeSep : 0) + w;
        row.push(id);
      }
    }
    for (const row of rows) {
      const h = Math.max(...row.map((id) => size.get(id)!.h));
      const rowWidth = row.reduce((s, id) => s + size.get(id)!.w, 0) + nodeSep * (row.length - 1);
      let x = -rowWidth / 2;
      for (const id of row) {
        const w = size.get(id)!.w;
        positions[id] = { x: x + w / 2, y: top + h / 2 };
        x += w + nodeSep;
      }
      top += h + rowSep;
    }
    top += rankSep - rowSep;
  }
  return { positions, layers: dense };
}
