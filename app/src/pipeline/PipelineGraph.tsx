/**
 * The pipeline drawn with cytoscape and a layered layout. The layout runs in a worker
 * (layout.worker.ts: dagre, or core's layered grid for large graphs) while cytoscape loads; the
 * page adds the elements at their places in slices of about SLICE_MS each, one task each
 * (addInSlices), then shows them: no main-thread task runs long while a large graph is built.
 * Large graphs are drawn the cheap way (straight edges, pixel ratio 1, a snapshot while panning).
 * Cytoscape is loaded when the tab first draws, never with the rest of the app. The graph is
 * rebuilt when the view changes (mode, groups, ref); marks that do not move nodes (stale, diff,
 * search, selection) only change classes.
 * Keyboard on the canvas: + / − zoom, 0 fits, arrows pan, Escape clears the selection.
 */
import type { PipelineView } from '@cairn/core';
import type { Core, ElementDefinition } from 'cytoscape';
import { createEffect, onCleanup, onMount } from 'solid-js';
import { graphSvg } from './graph-svg.ts';
import { layoutInWorker } from './layout-client.ts';

export interface GraphMarks {
  /** Node id → 'stale', or in a diff 'added' | 'changed' | 'removed' */
  state: Map<string, 'stale' | 'added' | 'changed' | 'removed'>;
  /** Edge key `from\0to` → how a diff changed it */
  edges: Map<string, 'added' | 'removed'>;
  search: string;
  selected: string | null;
}

export interface GraphApi {
  fit(): void;
  zoom(factor: number): void;
  png(): string | null;
  svg(): string | null;
}

type Cytoscape = typeof import('cytoscape');
let library: Promise<Cytoscape> | null = null;
function loadCytoscape() {
  library ??= import('cytoscape').then((cy) => cy.default);
  return library;
}

const NODE_HEIGHT = 30;
/** Classes applyMarks sets, and a selector of the elements that have any. */
const MARK_CLASSES = 'stale diff-added diff-changed diff-removed match faded';
const MARKED = MARK_CLASSES.split(' ')
  .map((c) => `.${c}`)
  .join(', ');
const PADDING = 24;
const MIN_ZOOM = 0.05;
/** The drawing starts no closer than this: a small pipeline is not blown up to fill the canvas. */
const START_ZOOM_MAX = 1.2;
/**
 * From this many elements (nodes + edges) the drawing trades looks for speed: straight
 * (haystack) edges without dagre's bends, pixel ratio 1, a snapshot of the canvas while panning
 * and zooming instead of redrawing every element each frame.
 */
export const LARGE_GRAPH_ELEMENTS = 800;
/**
 * Above this many elements a graph is not drawn whole at first: fitted, its boxes are specks
 * without labels, and drawing them all is one frame of a second or more. It starts readable at
 * its top instead; Fit (or 0) still shows it all.
 */
const FIT_AT_MOST = 4000;
/** Main-thread work per slice while elements are added (a frame is drawn between slices). */
const SLICE_MS = 12;

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function stylesheet(large = false) {
  const fg = cssVar('--fg', '#1f2328');
  const bg = cssVar('--bg', '#ffffff');
  const border = cssVar('--border', '#d1d9e0');
  const muted = cssVar('--muted', '#59636e');
  const accent = cssVar('--accent', '#0969da');
  const dark = document.documentElement.dataset.theme === 'dark';
  const tint = (light: string, darkTint: string) => (dark ? darkTint : light);
  return [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        color: fg,
        'font-size': 12,
        'font-family': 'ui-monospace, SFMono-Regular, Menlo, monospace',
        'text-valign': 'center',
        'text-halign': 'center',
        // Labels are cut in elementsOf: cytoscape's own ellipsis measures text again for every
        // node on every draw (seconds at 500 nodes). Too small to read when zoomed out: not drawn.
        'text-wrap': 'none',
        'min-zoomed-font-size': 7,
        shape: 'round-rectangle',
        width: 'data(w)',
        height: NODE_HEIGHT,
        'border-width': 1.5,
        'border-color': border,
        'background-color': bg,
      },
    },
    {
      selector: 'node.stage',
      style: { 'background-color': tint('#ddf4ff', '#0c2d6b'), 'border-color': accent, 'font-weight': 'bold' },
    },
    {
      selector: 'node.group',
      style: {
        'background-color': tint('#ddf4ff', '#0c2d6b'),
        'border-color': accent,
        'border-style': 'double',
        'border-width': 4,
        'font-weight': 'bold',
      },
    },
    {
      selector: 'node.source',
      style: { shape: 'cut-rectangle', 'background-color': tint('#fbefff', '#3c1e70'), 'border-color': '#8250df' },
    },
    {
      selector: 'node.git',
      style: { shape: 'rectangle', 'background-color': tint('#f6f8fa', '#151b23'), 'border-color': muted },
    },
    {
      selector: 'node.data-file',
      style: { shape: 'barrel', 'background-color': tint('#fbefff', '#3c1e70'), 'border-color': '#8250df' },
    },
    {
      selector: 'node.data-dir',
      style: {
        shape: 'barrel',
        'background-color': tint('#fbefff', '#3c1e70'),
        'border-color': '#8250df',
        'border-style': 'double',
        'border-width': 4,
      },
    },
    {
      selector: 'node.params',
      style: { shape: 'tag', 'background-color': tint('#fff8c5', '#4b3b00'), 'border-color': '#bf8700' },
    },
    {
      selector: 'node.metric',
      style: { shape: 'hexagon', 'background-color': tint('#dafbe1', '#0f3d1c'), 'border-color': '#1a7f37' },
    },
    {
      selector: 'node.plot',
      style: { shape: 'hexagon', 'background-color': tint('#d8f6f3', '#0b3b37'), 'border-color': '#0f8a7e' },
    },
    {
      selector: 'node.stale',
      style: {
        'background-color': tint('#fff1e5', '#4a2a0a'),
        'border-color': '#d1242f',
        'border-width': 3,
        'border-style': 'dashed',
      },
    },
    {
      selector: 'node.diff-added',
      style: { 'border-color': '#1a7f37', 'border-width': 4, 'background-color': tint('#dafbe1', '#0f3d1c') },
    },
    {
      selector: 'node.diff-changed',
      style: { 'border-color': '#bf8700', 'border-width': 4, 'background-color': tint('#fff8c5', '#4b3b00') },
    },
    {
      // In a diff: what only the base had, drawn faint with a red dashed border.
      selector: 'node.diff-removed',
      style: {
        'border-color': '#d1242f',
        'border-width': 3,
        'border-style': 'dashed',
        'background-color': tint('#ffebe9', '#4c1d1d'),
        'text-opacity': 0.7,
      },
    },
    { selector: 'node.faded', style: { opacity: 0.25 } },
    { selector: 'node.match', style: { 'underlay-color': accent, 'underlay-opacity': 0.25, 'underlay-padding': 6 } },
    {
      selector: 'node:selected',
      style: { 'overlay-color': accent, 'overlay-opacity': 0.2, 'overlay-padding': 6, 'border-width': 3 },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': muted,
        'target-arrow-color': muted,
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        'arrow-scale': 0.9,
      },
    },
    {
      // Dagre's bends: an edge that skips layers goes around the boxes in between.
      selector: 'edge.routed',
      style: {
        'curve-style': 'unbundled-bezier',
        'control-point-weights': 'data(cpw)',
        'control-point-distances': 'data(cpd)',
        'edge-distances': 'intersection',
      },
    },
    { selector: 'edge.diff-added', style: { 'line-color': '#1a7f37', 'target-arrow-color': '#1a7f37', width: 3 } },
    {
      selector: 'edge.diff-removed',
      style: { 'line-color': '#d1242f', 'target-arrow-color': '#d1242f', width: 2, 'line-style': 'dashed' },
    },
    { selector: 'edge.faded', style: { opacity: 0.15 } },
    ...(large
      ? [
          {
            // Thousands of edges: straight centre-to-centre lines are cytoscape's cheapest to draw.
            selector: 'edge',
            style: { 'curve-style': 'haystack', 'haystack-radius': 0, 'target-arrow-shape': 'none' },
          },
        ]
      : []),
  ];
}

const MAX_LABEL = 27;
/** Node width from its label, so names are readable without zooming. */
function widthOf(label: string): number {
  return Math.min(220, Math.max(60, label.length * 7.4 + 24));
}

/** A label that fits its box: long names keep their end (the file or stage name). */
function shortLabel(label: string): string {
  return label.length <= MAX_LABEL ? label : `…${label.slice(label.length - MAX_LABEL + 1)}`;
}

export function elementsOf(view: PipelineView): ElementDefinition[] {
  return [
    ...view.nodes.map((n) => {
      const name = n.kind === 'group' ? `${n.label} ×${n.count}` : n.label;
      const label = shortLabel(name);
      return {
        group: 'nodes' as const,
        data: { id: n.id, name, label, kind: n.kind, w: widthOf(label) },
        classes: n.kind,
      };
    }),
    ...view.edges.map((e, i) => ({
      group: 'edges' as const,
      data: { id: `e${i}`, source: e.from, target: e.to, key: `${e.from}\u0000${e.to}` },
    })),
  ];
}

/** The drawing as it is now (marks included), as a standalone SVG. */
function svgOf(cy: Core): string {
  const nodes = cy.nodes().map((v) => {
    const p = v.position();
    return {
      x: p.x,
      y: p.y,
      w: v.width(),
      h: v.height(),
      label: String(v.data('name')),
      fill: String(v.style('background-color')),
      stroke: String(v.style('border-color')),
      dashed: v.style('border-style') === 'dashed',
    };
  });
  const edges = cy.edges().map((e) => {
    const bends = e.hasClass('routed') ? (e.controlPoints() ?? []) : [];
    return { points: [e.sourceEndpoint(), ...bends, e.targetEndpoint()], color: String(e.style('line-color')) };
  });
  return graphSvg(nodes, edges, { bg: cssVar('--bg', '#ffffff'), fg: cssVar('--fg', '#1f2328') });
}

/** Lets the browser run what waits (input, a frame) before the next slice: a new task. */
const nextTask = () =>
  new Promise<void>((r) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => r();
    c.port2.postMessage(0);
  });

/**
 * Adds `elements` (nodes first, at their positions) a slice at a time, each in its own task. A
 * slice's size aims at SLICE_MS of work, from the rate of the slices before it; its style, label
 * size and bounding box are computed in the slice (`boundingBox()`) rather than all at once in
 * the first frame that draws them. False when `alive` turned false (a newer drawing began).
 */
async function addInSlices(cy: Core, elements: ElementDefinition[], alive: () => boolean): Promise<boolean> {
  let size = 100;
  for (let i = 0; i < elements.length; ) {
    if (!alive()) return false;
    const t0 = performance.now();
    const slice = elements.slice(i, i + size);
    cy.batch(() => {
      cy.add(slice).boundingBox();
    });
    i += slice.length;
    const ms = performance.now() - t0;
    size = Math.min(5000, Math.max(20, Math.round((slice.length * SLICE_MS) / Math.max(ms, 0.5))));
    await nextTask();
  }
  return alive();
}

/**
 * Where the drawing starts: the whole graph fitted (no closer than START_ZOOM_MAX). On a phone a
 * wide layer fits only as unreadable specks, and a graph of more than FIT_AT_MOST elements is
 * specks anywhere: those start readable at the top of the graph instead (its first row of
 * nodes), the rest a pan away; 0 still fits it all.
 */
function startViewport(
  nodes: { id: string; w: number }[],
  positions: Record<string, { x: number; y: number }>,
  width: number,
  height: number,
  elementCount: number,
): { zoom: number; pan: { x: number; y: number } } {
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    const p = positions[n.id];
    if (!p) continue;
    x1 = Math.min(x1, p.x - n.w / 2);
    x2 = Math.max(x2, p.x + n.w / 2);
    y1 = Math.min(y1, p.y - NODE_HEIGHT / 2);
    y2 = Math.max(y2, p.y + NODE_HEIGHT / 2);
  }
  if (!Number.isFinite(x1)) return { zoom: 1, pan: { x: width / 2, y: height / 2 } };
  const fit = Math.min((width - 2 * PADDING) / (x2 - x1), (height - 2 * PADDING) / (y2 - y1));
  const zoom = Math.max(MIN_ZOOM, Math.min(START_ZOOM_MAX, fit));
  if ((width < 600 || elementCount > FIT_AT_MOST) && zoom < 0.55) {
    const top = nodes.filter((n) => Math.abs((positions[n.id]?.y ?? Number.NaN) - (y1 + NODE_HEIGHT / 2)) < 1);
    const left = Math.min(...top.map((n) => positions[n.id]!.x - n.w / 2));
    const right = Math.max(...top.map((n) => positions[n.id]!.x + n.w / 2));
    return { zoom: 0.6, pan: { x: width / 2 - 0.6 * ((left + right) / 2), y: 48 - 0.6 * y1 } };
  }
  return { zoom, pan: { x: width / 2 - zoom * ((x1 + x2) / 2), y: height / 2 - zoom * ((y1 + y2) / 2) } };
}

export function PipelineGraph(props: {
  view: PipelineView;
  /** Changes when the drawing must be rebuilt (ref, mode, theme). */
  layoutKey: string;
  marks: GraphMarks;
  onSelect: (id: string | null) => void;
  onReady?: (api: GraphApi) => void;
}) {
  let container: HTMLDivElement | undefined;
  let cy: Core | null = null;
  let drawn = '';
  let disposed = false;

  /**
   * Marks as classes, touching only the elements whose marks change: toggling every class of
   * every element took most of a second at 15,000 elements, for a drawing with no marks at all.
   */
  const applyMarks = () => {
    const g = cy;
    if (!g) return;
    const m = props.marks;
    const q = m.search.trim().toLowerCase();
    const want = new Map<string, string>();
    const add = (id: string, cls: string) => want.set(id, want.has(id) ? `${want.get(id)} ${cls}` : cls);
    for (const [id, state] of m.state) add(id, state === 'stale' ? 'stale' : `diff-${state}`);
    if (m.edges.size > 0) {
      g.edges().forEach((e) => {
        const change = m.edges.get(String(e.data('key')));
        if (change) add(e.id(), `diff-${change}`);
      });
    }
    if (q !== '') {
      g.nodes().forEach((n) => {
        add(n.id(), String(n.data('name')).toLowerCase().includes(q) ? 'match' : 'faded');
      });
      g.edges().forEach((e) => {
        add(e.id(), 'faded');
      });
    }
    g.batch(() => {
      const marked = g.elements(MARKED);
      marked.forEach((e) => {
        if (!want.has(e.id())) e.removeClass(MARK_CLASSES);
      });
      for (const [id, classes] of want) {
        const e = g.getElementById(id);
        if (e.empty()) continue;
        const now = MARK_CLASSES.split(' ')
          .filter((c) => e.hasClass(c))
          .join(' ');
        if (now === classes) continue;
        e.removeClass(MARK_CLASSES);
        e.addClass(classes);
      }
      container?.setAttribute('data-removed', String(g.nodes('.diff-removed').length));
      g.$(':selected').unselect();
      if (m.selected) g.getElementById(m.selected).select();
    });
  };

  const draw = async () => {
    const key = props.layoutKey;
    if (key === drawn) return;
    drawn = key;
    const elements = elementsOf(props.view);
    const nodes = elements.filter((e) => e.group === 'nodes').map((e) => e.data as { id: string; w: number });
    const edges = elements
      .filter((e) => e.group === 'edges')
      .map((e) => e.data as { id: string; source: string; target: string });
    if (container) container.dataset.ready = 'false';
    const [cytoscape, layout] = await Promise.all([
      loadCytoscape(),
      layoutInWorker(
        nodes.map((n) => ({ id: n.id, w: n.w, h: NODE_HEIGHT })),
        edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
      ).catch((error: unknown) => {
        // Still draw without the worker (cytoscape's own layered layout, on this thread).
        console.error(error);
        return null;
      }),
    ]);
    // A newer view may have asked for its layout meanwhile: only the latest is drawn.
    if (disposed || !container || key !== drawn) return;
    const large = elements.length >= LARGE_GRAPH_ELEMENTS;
    for (const e of elements) {
      if (e.group === 'nodes') {
        const p = layout?.positions[String(e.data.id)];
        if (p) e.position = p;
        continue;
      }
      const route = large ? undefined : layout?.routes[String(e.data.id)];
      if (!route) continue;
      e.data.cpw = route.w;
      e.data.cpd = route.d;
      e.classes = 'routed';
    }
    cy?.destroy();
    const g = cytoscape({
      container,
      elements: layout ? [] : elements,
      style: stylesheet(large) as never,
      layout: (layout
        ? { name: 'preset' }
        : { name: 'breadthfirst', directed: true, padding: PADDING, fit: true }) as never,
      minZoom: MIN_ZOOM,
      maxZoom: 3,
      wheelSensitivity: 0.3,
      boxSelectionEnabled: false,
      autoungrabify: true,
      ...(large ? { pixelRatio: 1, textureOnViewport: true, hideEdgesOnViewport: true } : {}),
    });
    cy = g;
    g.on('tap', 'node', (e) => props.onSelect(e.target.id()));
    g.on('tap', (e) => {
      if (e.target === g) props.onSelect(null);
    });
    if (layout) {
      // While slices are added the viewport looks far away from the graph: a frame drawn
      // meanwhile skips every element (each frame would otherwise draw all added so far, which
      // at thousands of elements is most of the work). Then one frame draws the graph.
      const start = startViewport(nodes, layout.positions, g.width(), g.height(), elements.length);
      g.viewport({ zoom: start.zoom, pan: { x: -1e7, y: -1e7 } });
      const done = await addInSlices(g, elements, () => !disposed && cy === g && key === drawn);
      if (!done) return;
      g.viewport(start);
    }
    container.dataset.layoutMs = layout ? `${layout.ms.toFixed(0)} ms (${layout.layout})` : 'main thread';
    container.dataset.ready = 'true';
    container.dataset.nodes = String(g.nodes().length);
    container.dataset.edges = String(g.edges().length);
    applyMarks();
    props.onReady?.({
      fit: () => cy?.fit(undefined, PADDING),
      zoom: (f) => {
        if (!cy) return;
        cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      },
      png: () => cy?.png({ full: true, scale: 2, bg: cssVar('--bg', '#ffffff') }) ?? null,
      svg: () => (cy ? svgOf(cy) : null),
    });
  };

  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!cy) return;
      const pan = 60;
      if (e.key === '+' || e.key === '=') cy.zoom(cy.zoom() * 1.2);
      else if (e.key === '-') cy.zoom(cy.zoom() / 1.2);
      else if (e.key === '0') cy.fit(undefined, 24);
      else if (e.key === 'ArrowLeft') cy.panBy({ x: pan, y: 0 });
      else if (e.key === 'ArrowRight') cy.panBy({ x: -pan, y: 0 });
      else if (e.key === 'ArrowUp') cy.panBy({ x: 0, y: pan });
      else if (e.key === 'ArrowDown') cy.panBy({ x: 0, y: -pan });
      else if (e.key === 'Escape') props.onSelect(null);
      else return;
      e.preventDefault();
    };
    container?.addEventListener('keydown', onKey);
  });
  createEffect(() => {
    void props.layoutKey;
    void draw();
  });
  createEffect(() => {
    void props.marks;
    applyMarks();
  });
  onCleanup(() => {
    disposed = true;
    cy?.destroy();
    cy = null;
  });

  return (
    <div
      class="pipeline-canvas"
      ref={container}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the canvas takes keys (zoom, pan, fit), so it must be focusable
      tabIndex={0}
      role="application"
      aria-label="Pipeline graph: + and − zoom, 0 fits, arrows pan"
      data-testid="pipeline-graph"
    />
  );
}
