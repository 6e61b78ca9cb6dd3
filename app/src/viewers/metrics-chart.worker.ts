/**
 * Reads a DagsHub `metrics.csv` for its chart off the main thread: a long training logs
 * hundreds of thousands of rows, whose parse and alignment would otherwise freeze the page.
 */
import { parseDagshubMetrics } from '@cairn/core/dagshub';
import { metricsChartData } from './metrics-chart-data.ts';
import type { MetricsChartRequest, MetricsChartResponse } from './metrics-chart-protocol.ts';

self.onmessage = async (event: MessageEvent<MetricsChartRequest>) => {
  const { id, file, name } = event.data;
  let reply: MetricsChartResponse;
  const parsed = parseDagshubMetrics(await file.text(), name);
  if (!parsed.ok) {
    reply = { id, ok: false, message: parsed.error.describe() };
    self.postMessage(reply);
    return;
  }
  const data = metricsChartData(parsed.value.rows);
  reply = { id, ok: true, ...data };
  self.postMessage(reply, { transfer: [data.steps.buffer, ...data.values.map((v) => v.buffer)] });
};
