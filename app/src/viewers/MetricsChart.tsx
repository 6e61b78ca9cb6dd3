/**
 * The chart of a DagsHub `metrics.csv`: one line per metric against Step (uPlot), with a legend,
 * axis names and the experiments' chart theme (light or dark, redrawn on a switch). The file is
 * read and shaped in a worker (metrics-chart.worker.ts). With many metrics a picker chooses the
 * lines; a few are drawn at first, since a loss near 0.1 and a score near 4,000 share one axis.
 */
import { createEffect, createMemo, createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartTheme, runColor } from '../experiments/chart-theme.ts';
import { workerCalls } from '../workers/worker-calls.ts';
import { DEFAULT_SHOWN, defaultShown, type MetricsChartData } from './metrics-chart-data.ts';
import type { MetricsChartRequest, MetricsChartResponse } from './metrics-chart-protocol.ts';
import type { ViewFile } from './view-file.ts';

let nextId = 1;
const readMetrics = workerCalls<MetricsChartRequest, MetricsChartResponse>(
  () =>
    new Worker(new URL('./metrics-chart.worker.ts', import.meta.url), { type: 'module', name: 'cairn-metrics-chart' }),
  (id, message) => ({ id, ok: false, message }),
);

async function load(file: ViewFile): Promise<MetricsChartData> {
  const reply = await readMetrics({ id: nextId++, file: await file.blob(), name: file.path });
  if (!reply.ok) throw new Error(reply.message);
  return reply;
}

/** uPlot's data: NaN (no value at that step) as null, so lines span the gaps. */
function toAligned(data: MetricsChartData, shown: readonly number[]): uPlot.AlignedData {
  return [
    data.steps,
    ...shown.map((i) => Array.from(data.values[i] as Float64Array, (v) => (Number.isNaN(v) ? null : v))),
  ];
}

export default function MetricsChart(props: { file: ViewFile }) {
  const [data] = createResource(() => props.file, load);
  const [picked, setPicked] = createSignal<string[] | null>(null);
  const shown = createMemo(() => {
    const d = data();
    if (!d) return [];
    const names = picked() ?? defaultShown(d.names);
    return d.names.flatMap((name, i) => (names.includes(name) ? [i] : []));
  });
  const toggle = (name: string, on: boolean) => {
    const d = data();
    if (!d) return;
    const now = picked() ?? defaultShown(d.names);
    setPicked(on ? [...now, name] : now.filter((n) => n !== name));
  };
  let host!: HTMLDivElement;
  let plot: uPlot | null = null;
  const [width, setWidth] = createSignal(800);
  onMount(() => {
    const observer = new ResizeObserver(() => setWidth(Math.max(280, host.clientWidth)));
    observer.observe(host);
    onCleanup(() => observer.disconnect());
  });
  createEffect(() => {
    const d = data();
    const theme = chartTheme();
    const lines = shown();
    plot?.destroy();
    plot = null;
    if (!d || lines.length === 0) return;
    const axis = {
      stroke: theme.muted,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      labelFont: '12px system-ui, sans-serif',
      font: '11px system-ui, sans-serif',
    };
    plot = new uPlot(
      {
        width: host.clientWidth || width(),
        height: 340,
        scales: { x: { time: false } },
        axes: [
          { ...axis, label: 'Step' },
          { ...axis, label: 'Value', size: 50 },
        ],
        series: [
          { label: 'Step' },
          ...lines.map((i) => ({
            label: d.names[i] as string,
            // The colour of a metric is fixed by its place in the file, whichever are picked.
            stroke: runColor(i, theme.dark),
            width: 1.5,
            spanGaps: true,
            // Markers only while they stand apart; a long run is a line.
            points: { show: (host.clientWidth || width()) / Math.max(1, d.steps.length) >= 16 },
          })),
        ],
      },
      toAligned(d, lines),
      host,
    );
  });
  createEffect(() => plot?.setSize({ width: width(), height: 340 }));
  onCleanup(() => plot?.destroy());
  return (
    <div class="metrics-chart" data-testid="metrics-chart">
      <Show when={data.error}>
        <p class="error" role="alert">
          This metrics.csv cannot be charted: {(data.error as Error).message}
        </p>
      </Show>
      <Show when={data()}>
        {(d) => (
          <Show when={d().names.length > DEFAULT_SHOWN}>
            <details class="metric-picker" data-testid="metric-picker">
              <summary>
                Metrics: {shown().length} of {d().names.length} shown
              </summary>
              <div class="metric-picker-list">
                <For each={d().names}>
                  {(name) => (
                    <label>
                      <input
                        type="checkbox"
                        checked={shown().some((i) => d().names[i] === name)}
                        onChange={(e) => toggle(name, e.currentTarget.checked)}
                      />
                      {name}
                    </label>
                  )}
                </For>
              </div>
            </details>
          </Show>
        )}
      </Show>
      <Show when={data() && shown().length === 0}>
        <p class="muted">Pick a metric to draw.</p>
      </Show>
      <Show when={data.loading}>
        <p class="muted">Reading the metrics…</p>
      </Show>
      <div ref={host} class="metrics-plot" data-testid="metrics-plot" />
    </div>
  );
}
