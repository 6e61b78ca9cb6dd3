/**
 * What the logger queues on disk for an MLflow endpoint: one JSON file per operation, in the
 * order they were logged. A run is known by its client-made id until the server names it.
 */

export interface MlflowTarget {
  /** Tracking URI, e.g. `http://127.0.0.1:8787/demo/segmentation.mlflow` (no `/api/...`). */
  trackingUri: string;
  experimentName: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export type QueuedOp =
  | {
      kind: 'create-run';
      clientRunId: string;
      target: MlflowTarget;
      runName: string | null;
      startTime: number;
      tags: Record<string, string>;
    }
  | {
      kind: 'log-batch';
      clientRunId: string;
      metrics: MetricPoint[];
      params: { key: string; value: string }[];
      tags: { key: string; value: string }[];
    }
  | { kind: 'end-run'; clientRunId: string; status: 'FINISHED' | 'FAILED' | 'KILLED'; endTime: number };

/** The tag that carries the client-made run id, so a re-sent create finds the run it made. */
export const CLIENT_RUN_ID_TAG = 'cairn.client_run_id';
