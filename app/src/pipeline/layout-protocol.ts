/** Messages between the pipeline graph and its layout worker (plain data both ways). */

export interface LayoutRequest {
  id: number;
  nodes: { id: string; w: number; h: number }[];
  edges: { id: string; source: string; target: string }[];
}

export type LayoutResponse =
  | {
      id: number;
      ok: true;
      positions: Record<string, { x: number; y: number }>;
      /** Edge id → dagre's bends as cytoscape control points (weights and distances). */
      routes: Record<string, { w: number[]; d: number[] }>;
      /** Which layout placed the nodes: dagre, or core's layered grid for large graphs. */
      layout: 'dagre' | 'grid';
      ms: number;
    }
  | { id: number; ok: false; message: string };

/** dagre's ranker: network-simplex draws small graphs tidier, but at 500 nodes it takes seconds. */
export function rankerFor(nodeCount: number): 'network-simplex' | 'longest-path' {
  return nodeCount > 150 ? 'longest-path' : 'network-simplex';
}

/**
 * From this many nodes the worker lays out with core's layeredGridLayout instead of dagre: dagre
 * orders each layer to cut crossings, ~1 s at 500 nodes and many minutes at 2,000 when one
 * `matrix` stage puts them all in a layer.
 */
export const GRID_LAYOUT_FROM = 400;

/** Layer and node spacing shared by the worker and the main-thread fallback. */
export const DAGRE_OPTIONS = { rankDir: 'TB', nodeSep: 24, rankSep: 56, edgeSep: 12 } as const;
