import type { MetricPoint, Run } from '@cairn/core';
import type { ExperimentRecord } from './experiments-store.ts';

/**
 * The JSON MLflow clients expect (protobuf JSON of mlflow/protos/service.proto): ids as strings,
 * times as epoch ms, non-finite doubles as the strings "NaN", "Infinity", "-Infinity".
 */

export function doubleJson(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

const kv = (m: Record<string, string>) => Object.entries(m).map(([key, value]) => ({ key, value }));

export function runInfoJson(run: Run) {
  const experimentId = run.source.kind === 'mlflow' ? run.source.experimentId : '';
  return {
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: experimentId,
    user_id: run.userId,
    status: run.status,
    ...(run.startTime !== null ? { start_time: run.startTime } : {}),
    ...(run.endTime !== null ? { end_time: run.endTime } : {}),
    artifact_uri: run.artifactUri,
    lifecycle_stage: run.lifecycleStage,
  };
}

export function runJson(run: Run) {
  return {
    info: runInfoJson(run),
    data: {
      metrics: Object.entries(run.metricSummaries).map(([key, s]) => ({
        key,
        value: doubleJson(s.last),
        timestamp: s.timestamp,
        step: s.step,
      })),
      params: kv(run.params),
      tags: kv(run.tags),
    },
  };
}

export function metricJson(p: MetricPoint) {
  return { key: p.key, value: doubleJson(p.value), timestamp: p.timestamp, step: p.step };
}

export function experimentJson(e: ExperimentRecord) {
  return {
    experiment_id: String(e.id),
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    tags: kv(e.tags),
  };
}
