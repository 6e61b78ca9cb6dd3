/**
 * The pipeline drawn with cytoscape and a layered (dagre) layout. Dagre runs in a worker
 * (layout.worker.ts: a 500-stage matrix takes it seconds) while cytoscape loads; the page hands
 * cytoscape the positions as a `preset` layout and each long edge dagre's bends, so the main
 * thread only draws. Cytoscape is loaded when the tab first draws, never with the rest of the
 * app. The graph is rebuilt when the view changes (mode, groups, ref); marks that do not move
 * nodes (stale, diff, search, selection) only change classes.
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

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function stylesheet() {
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

  const applyMarks = () => {
    if (!cy) return;
    const m = props.marks;
    const q = m.search.trim().toLowerCase();
    cy.batch(() => {
      cy!.nodes().forEach((n) => {
        const state = m.state.get(n.id());
        n.toggleClass('stale', state === 'stale');
        n.toggleClass('diff-added', state === 'added');
        n.toggleClass('diff-changed', state === 'changed');
        n.toggleClass('diff-removed', state === 'removed');
        const label = String(n.data('name')).toLowerCase();
        const hit = q !== '' && label.includes(q);
        n.toggleClass('match', hit);
        n.toggleClass('faded', q !== '' && !hit);
      });
      cy!.edges().forEach((e) => {
        const change = m.edges.get(String(e.data('key')));
        e.toggleClass('diff-added', change === 'added');
        e.toggleClass('diff-removed', change === 'removed');
        e.toggleClass('faded', q !== '');
      });
      container?.setAttribute('data-removed', String(cy!.nodes('.diff-removed').length));
      cy!.$(':selected').unselect();
      if (m.selected) cy!.getElementById(m.selected).select();
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
    for (const e of elements) {
      const route = e.group === 'edges' ? layout?.routes[String(e.data.id)] : undefined;
      if (!route) continue;
      e.data.cpw = route.w;
      e.data.cpd = route.d;
      e.classes = 'routed';
    }
    cy?.destroy();
    const g = cytoscape({
      container,
      elements,
      style: stylesheet() as never,
      layout: (layout
        ? { name: 'preset', positions: layout.positions, padding: 24, fit: true }
        : { name: 'breadthfirst', directed: true, padding: 24, fit: true }) as never,
      minZoom: 0.05,
      maxZoom: 3,
      wheelSensitivity: 0.3,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });
    cy = g;
    if (g.zoom() > 1.2) {
      g.zoom(1.2);
      g.center();
    }
    // On a phone a wide layer fits only as unreadable specks: start readable at the top of the
    // graph instead (its first nodes), the rest a pan away; 0 still fits it all.
    if (g.width() < 600 && g.zoom() < 0.55) {
      g.zoom(0.6);
      const top = g.nodes().roots();
      g.center(top.nonempty() ? top : undefined);
      g.panBy({ x: 0, y: -(g.height() / 2 - 48) + (top.renderedBoundingBox().h ?? 0) / 2 });
    }
    g.on('tap', 'node', (e) => props.onSelect(e.target.id()));
    g.on('tap', (e) => {
      if (e.target === g) props.onSelect(null);
    });
    container.dataset.layoutMs = layout ? layout.ms.toFixed(0) : 'main thread';
    container.dataset.ready = 'true';
    container.dataset.nodes = String(g.nodes().length);
    container.dataset.edges = String(g.edges().length);
    applyMarks();
    props.onReady?.({
      fit: () => cy?.fit(undefined, 24),
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
