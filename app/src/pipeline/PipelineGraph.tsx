/**
 * The pipeline drawn with cytoscape and a layered (dagre) layout. Both libraries are loaded
 * when the tab first draws (≈135 KiB gzipped), never with the rest of the app. The graph is
 * rebuilt when the view changes (mode, groups, ref); marks that do not move nodes (stale,
 * diff, search, selection) only change classes.
 * Keyboard on the canvas: + / − zoom, 0 fits, arrows pan, Escape clears the selection.
 */
import type { PipelineView } from '@cairn/core';
import type { Core, ElementDefinition } from 'cytoscape';
import { createEffect, onCleanup, onMount } from 'solid-js';

export interface GraphMarks {
  /** Node id → 'stale' | 'added' | 'changed' (diff) */
  state: Map<string, 'stale' | 'added' | 'changed'>;
  /** Edge key `from\0to` → 'added' */
  edges: Set<string>;
  search: string;
  selected: string | null;
}

export interface GraphApi {
  fit(): void;
  zoom(factor: number): void;
  png(): string | null;
}

type Cytoscape = typeof import('cytoscape');
let libraries: Promise<Cytoscape> | null = null;
function loadCytoscape() {
  libraries ??= Promise.all([import('cytoscape'), import('cytoscape-dagre')]).then(([cy, dagre]) => {
    cy.default.use(dagre.default);
    return cy.default;
  });
  return libraries;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

function stylesheet() {
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
        'text-wrap': 'ellipsis',
        'text-max-width': '200px',
        shape: 'round-rectangle',
        width: 'data(w)',
        height: 30,
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
    { selector: 'edge.diff-added', style: { 'line-color': '#1a7f37', 'target-arrow-color': '#1a7f37', width: 3 } },
    { selector: 'edge.faded', style: { opacity: 0.15 } },
  ];
}

/** Node width from its label, so names are readable without zooming. */
function widthOf(label: string): number {
  return Math.min(220, Math.max(60, label.length * 7.4 + 24));
}

function elementsOf(view: PipelineView): ElementDefinition[] {
  return [
    ...view.nodes.map((n) => {
      const label = n.kind === 'group' ? `${n.label} ×${n.count}` : n.label;
      return { group: 'nodes' as const, data: { id: n.id, label, kind: n.kind, w: widthOf(label) }, classes: n.kind };
    }),
    ...view.edges.map((e, i) => ({
      group: 'edges' as const,
      data: { id: `e${i}`, source: e.from, target: e.to, key: `${e.from}\u0000${e.to}` },
    })),
  ];
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
        const label = String(n.data('label')).toLowerCase();
        const hit = q !== '' && label.includes(q);
        n.toggleClass('match', hit);
        n.toggleClass('faded', q !== '' && !hit);
      });
      cy!.edges().forEach((e) => {
        e.toggleClass('diff-added', m.edges.has(String(e.data('key'))));
        e.toggleClass('faded', q !== '');
      });
      cy!.$(':selected').unselect();
      if (m.selected) cy!.getElementById(m.selected).select();
    });
  };

  const draw = async () => {
    const key = props.layoutKey;
    const cytoscape = await loadCytoscape();
    if (disposed || !container || key === drawn) return;
    drawn = key;
    cy?.destroy();
    const g = cytoscape({
      container,
      elements: elementsOf(props.view),
      style: stylesheet() as never,
      layout: { name: 'dagre', rankDir: 'TB', nodeSep: 24, rankSep: 48, padding: 24, fit: true } as never,
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
    g.on('tap', 'node', (e) => props.onSelect(e.target.id()));
    g.on('tap', (e) => {
      if (e.target === g) props.onSelect(null);
    });
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
