/**
 * Lays the pipeline graph out off the main thread: a 300-stage matrix takes dagre 0.5–2 s, which
 * on the page's thread would freeze the tab. Cytoscape runs headless here (no DOM, no renderer),
 * only so cytoscape-dagre measures nodes exactly as the page will draw them; the page gets plain
 * positions and hands them to a `preset` layout. Graphs of GRID_LAYOUT_FROM nodes or more are
 * laid out with core's layeredGridLayout (milliseconds at 5,000 nodes), without edge bends.
 */
import { layeredGridLayout } from '@cairn/core/pipeline';
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import {
  DAGRE_OPTIONS,
  GRID_LAYOUT_FROM,
  type LayoutRequest,
  type LayoutResponse,
  rankerFor,
} from './layout-protocol.ts';

cytoscape.use(dagre);

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
  const t0 = performance.now();
  try {
    if (nodes.length >= GRID_LAYOUT_FROM) {
      const { positions } = layeredGridLayout(nodes, edges, {
        nodeSep: DAGRE_OPTIONS.nodeSep,
        rankSep: DAGRE_OPTIONS.rankSep,
      });
      const reply: LayoutResponse = { id, ok: true, positions, routes: {}, layout: 'grid', ms: performance.now() - t0 };
      self.postMessage(reply);
      return;
    }
    const cy = cytoscape({
      headless: true,
      styleEnabled: true,
      elements: [
        ...nodes.map((n) => ({ group: 'nodes' as const, data: n })),
        ...edges.map((e) => ({ group: 'edges' as const, data: e })),
      ],
      style: [{ selector: 'node', style: { width: 'data(w)', height: 'data(h)', shape: 'round-rectangle' } }] as never,
    });
    // Dagre routes an edge that skips layers through a dummy node in each layer it crosses, so
    // its control points bend it around the boxes instead of behind them.
    cy.layout({
      name: 'dagre',
      ...DAGRE_OPTIONS,
      ranker: rankerFor(nodes.length),
      fit: false,
      useDagreEdgeControlPoints: true,
    } as never).run();
    const positions: Record<string, { x: number; y: number }> = {};
    cy.nodes().forEach((n) => {
      const p = n.position();
      positions[n.id()] = { x: p.x, y: p.y };
    });
    const routes: Record<string, { w: number[]; d: number[] }> = {};
    cy.edges().forEach((e) => {
      const w = e.scratch('controlPointWeights') as number[] | undefined;
      const d = e.scratch('controlPointDistances') as number[] | undefined;
      if (w && d && w.length > 0) routes[e.id()] = { w, d };
    });
    cy.destroy();
    const reply: LayoutResponse = { id, ok: true, positions, routes, layout: 'dagre', ms: performance.now() - t0 };
    self.postMessage(reply);
  } catch (error) {
    const reply: LayoutResponse = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
