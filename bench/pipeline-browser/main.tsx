/**
 * Harness page of pipeline.bench.ts: the app's real PipelineGraph (layout worker + cytoscape)
 * mounted in Chromium on a pipeline loaded with core, timed from inside the page until the frame
 * showing the graph has been painted, with the longest main-thread task meanwhile (long-task
 * observer). In the same page, for comparison: cytoscape-dagre on the main thread (how the first
 * pass drew), and cytoscape drawing the same elements at precomputed positions (no layout at all:
 * the floor for any layered drawing).
 */
import { largeGroups, loadRepoPipeline, type PipelineView, pipelineView, type RepoPipeline } from '@cairn/core';
import type { Core } from 'cytoscape';
import { render } from 'solid-js/web';
import { elementsOf, type GraphApi, PipelineGraph, stylesheet } from '../../app/src/pipeline/PipelineGraph.tsx';
import type { Grouping, Timing } from './harness-api.ts';

let pipeline: RepoPipeline | null = null;
let dispose: (() => void) | null = null;
let other: Core | null = null;
let api: GraphApi | null = null;
let drawCount = 0;

const afterPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const nextTask = () =>
  new Promise<void>((r) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => r();
    c.port2.postMessage(0);
  });

async function timed(trigger: () => void, done: () => boolean, note: () => string): Promise<Timing> {
  let longest = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  obs.observe({ type: 'longtask' });
  const t0 = performance.now();
  trigger();
  while (!done()) {
    if (performance.now() - t0 > 120_000) throw new Error('timed out waiting for the graph');
    await nextTask();
  }
  await afterPaint();
  const frameMs = performance.now() - t0;
  await nextTask();
  for (const e of obs.takeRecords()) longest = Math.max(longest, e.duration);
  obs.disconnect();
  return { frameMs, longestTaskMs: longest, note: note() };
}

function clear(): HTMLElement {
  dispose?.();
  dispose = null;
  other?.destroy();
  other = null;
  api = null;
  const el = document.getElementById('stage') as HTMLElement;
  el.textContent = '';
  return el;
}

/** prepare → a matrix stage of `stages` combinations → report reading every model. */
function dvcYaml(stages: number): string {
  const b = Math.min(stages, 20);
  const a = Math.ceil(stages / b);
  const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
  return `stages:
  prepare:
    cmd: python prepare.py
    deps: [prepare.py, data/raw]
    outs: [data/prepared]
  train:
    matrix:
      a: ${list(a)}
      b: ${list(b)}
    cmd: python train.py \${item.a} \${item.b}
    deps: [train.py, data/prepared]
    outs:
      - models/m-\${item.a}-\${item.b}.pkl
  report:
    cmd: python report.py
    deps: [report.py, models]
    metrics:
      - report.json:
          cache: false
`;
}

function viewOf(grouping: Grouping, mode: 'stages' | 'both'): PipelineView {
  if (!pipeline) throw new Error('call benchPrepare first');
  return pipelineView(pipeline, mode, {
    collapsed: grouping === 'grouped' ? largeGroups(pipeline) : new Set(),
  });
}

window.benchPrepare = async (stages) => {
  const files: Record<string, string> = { 'dvc.yaml': dvcYaml(stages) };
  pipeline = await loadRepoPipeline({ paths: Object.keys(files), read: (p) => files[p] });
  if (pipeline.errors.length > 0) throw new Error(String(pipeline.errors[0]));
  return pipeline.stages.length;
};

window.benchGraph = async (grouping, mode) => {
  const el = clear();
  const canvas = () => el.querySelector('[data-testid="pipeline-graph"]') as HTMLElement | null;
  let view: PipelineView | null = null;
  const key = `g${drawCount++}`;
  return timed(
    () => {
      view = viewOf(grouping, mode);
      const v = view;
      dispose = render(
        () => (
          <PipelineGraph
            view={v}
            layoutKey={key}
            marks={{ state: new Map(), edges: new Map(), search: '', selected: null }}
            onSelect={() => {}}
            onReady={(a) => {
              api = a;
            }}
          />
        ),
        el,
      );
    },
    () => canvas()?.dataset.ready === 'true',
    () =>
      `${canvas()?.dataset.nodes} nodes, ${canvas()?.dataset.edges} edges; layout in the worker ${canvas()?.dataset.layoutMs}`,
  );
};

async function drawWith(grouping: Grouping, mode: 'stages' | 'both', how: 'dagre' | 'grid'): Promise<Timing> {
  const el = clear();
  const [cy, dagre] = await Promise.all([import('cytoscape'), import('cytoscape-dagre')]);
  cy.default.use(dagre.default);
  const host = document.createElement('div');
  host.className = 'pipeline-canvas';
  el.append(host);
  let done = false;
  let count = 0;
  return timed(
    () => {
      const elements = elementsOf(viewOf(grouping, mode));
      count = elements.length;
      const perRow = 40;
      let i = 0;
      const layout =
        how === 'dagre'
          ? { name: 'dagre', rankDir: 'TB', nodeSep: 24, rankSep: 48, padding: 24, fit: true }
          : {
              name: 'preset',
              fit: true,
              padding: 24,
              positions: () => {
                const p = { x: (i % perRow) * 240, y: Math.floor(i / perRow) * 80 };
                i++;
                return p;
              },
            };
      other = cy.default({ container: host, elements, style: stylesheet() as never, layout: layout as never });
      done = true;
    },
    () => done,
    () => `${count} elements`,
  );
}

window.benchMainThreadDagre = (grouping, mode) => drawWith(grouping, mode, 'dagre');
window.benchPreset = (grouping, mode) => drawWith(grouping, mode, 'grid');

window.benchTap = async () => {
  if (!api) throw new Error('no graph drawn');
  let done = false;
  return timed(
    () => {
      api?.zoom(1.25);
      done = true;
    },
    () => done,
    () => 'zoom ×1.25',
  );
};
