/**
 * The DagsHub logger's files: metrics.csv (header on the first metric, then one row per
 * metric per call, appended as logged so a crash keeps what was logged) and params.yml
 * (rewritten whole, atomically, on every logParams).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DAGSHUB_METRICS_HEADER,
  type DagshubMetricValue,
  type DagshubParamTree,
  formatDagshubMetricRow,
  serializeDagshubParams,
} from '@cairn/core/dagshub';
import { writeFileAtomicSync } from './atomic-file.ts';

export class FileSink {
  private metricsStarted = false;

  constructor(
    readonly metricsPath: string,
    readonly paramsPath: string,
  ) {}

  writeMetrics(metrics: [string, DagshubMetricValue][], timestampMs: number, step: number): void {
    let text = '';
    if (!this.metricsStarted) {
      // Like the Python logger (open mode "w"): a run starts its metrics file afresh.
      fs.mkdirSync(path.dirname(this.metricsPath), { recursive: true });
      writeFileAtomicSync(this.metricsPath, `${DAGSHUB_METRICS_HEADER}\n`);
      this.metricsStarted = true;
    }
    for (const [name, value] of metrics) text += formatDagshubMetricRow(name, value, timestampMs, step);
    const fd = fs.openSync(this.metricsPath, 'a');
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  writeParams(params: DagshubParamTree): void {
    fs.mkdirSync(path.dirname(this.paramsPath), { recursive: true });
    writeFileAtomicSync(this.paramsPath, serializeDagshubParams(params));
  }
}
