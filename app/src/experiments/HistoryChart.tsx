/**
 * Metric history of many runs with uPlot: x = step, wall time or relative time; smoothing;
 * log scale; drag to zoom, double-click to reset (uPlot's own). Series are downsampled per
 * pixel bucket first (history-series.ts), so 1,000 runs × 1,000 steps stay responsive.
 */
import type { MetricPoint, Run } from '@cairn/core/runs/index';
import { createEffect, onCleanup } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { alignSeries, smooth, toSeries, type XAxis } from './history-series.ts';
import { RAMP } from './parallel-coords.ts';

export function HistoryChart(props: {
  runs: Run[];
  histories: Map<string, MetricPoint[]>;
  metric: string;
  xAxis: XAxis;
  smoothing: number;
  logScale: boolean;
}) {
  let host!: HTMLDivElement;
  let plot: uPlot | null = null;
  let frames = 0;
  createEffect(() => {
    const width = Math.max(320, host.clientWidth || 800);
    const series = props.runs.map((r) => {
      const s = toSeries(props.histories.get(r.id) ?? [], props.xAxis, r.startTime);
      return { xs: s.xs, ys: smooth(s.ys, props.smoothing) };
    });
    const data = alignSeries(series, Math.min(1000, width));
    plot?.destroy();
    plot = new uPlot(
      {
        width,
        height: 320,
        title: props.metric,
        scales: { x: { time: props.xAxis === 'wall' }, y: { distr: props.logScale ? 3 : 1 } },
        legend: { show: props.runs.length <= 20 },
        // Counts drawn frames (data-frames), which the benchmark and tests wait for.
        hooks: {
          draw: [
            () => {
              host.dataset.frames = String(++frames);
            },
          ],
        },
        series: [
          { label: props.xAxis },
          ...props.runs.map((r, i) => ({
            label: r.name,
            stroke: RAMP[(i * 5) % RAMP.length] as string,
            width: 1,
            spanGaps: true,
            points: { show: false },
          })),
        ],
      },
      data as uPlot.AlignedData,
      host,
    );
  });
  onCleanup(() => plot?.destroy());
  return <div ref={host} data-testid="history-chart" />;
}
