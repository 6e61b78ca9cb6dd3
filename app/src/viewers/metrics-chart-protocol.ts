/** Messages between the CSV viewer's chart and metrics-chart.worker.ts. */
import type { MetricsChartData } from './metrics-chart-data.ts';

export interface MetricsChartRequest {
  id: number;
  /** The whole `metrics.csv`. */
  file: Blob;
  /** What to call it in errors. */
  name: string;
}

export type MetricsChartResponse =
  | ({ id: number; ok: true } & MetricsChartData)
  | { id: number; ok: false; message: string };
