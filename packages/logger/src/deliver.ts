/**
 * Delivers a queue folder's operations to their MLflow servers, in order, each exactly once:
 * - a run is created with a client-made id in a tag; a create whose answer was lost is found
 *   again by that tag instead of being made twice;
 * - consecutive log-batch operations of a run travel together (within MLflow's limits); before
 *   re-sending a batch whose answer was lost, the server's history is checked for its points;
 * - an unreachable server stops delivery (everything stays queued); a refusal moves the
 *   operation to failed/ so one bad value never blocks the rest.
 */
import { DiskQueue, type QueuedFile } from './disk-queue.ts';
import { MlflowRejectedError, MlflowUnavailableError } from './errors.ts';
import { type MlflowAuth, MlflowClient } from './mlflow-client.ts';
import { CLIENT_RUN_ID_TAG, type MetricPoint, type QueuedOp } from './queue-ops.ts';

/** MLflow's log-batch limits. */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export interface DeliveryResult {
  delivered: number;
  pending: number;
  failed: number;
  /** Why delivery stopped early (the server was unreachable), or null when the queue drained. */
  stoppedBy: string | null;
}

type LogBatchOp = Extract<QueuedOp, { kind: 'log-batch' }>;
type RunTarget = { runId: string; experimentId: string; trackingUri: string };

export async function deliverQueue(queueDir: string, auth: MlflowAuth = {}): Promise<DeliveryResult> {
  const queue = new DiskQueue(queueDir);
  const release = queue.lock();
  if (!release) {
    return { delivered: 0, pending: queue.pending().length, failed: queue.failedCount(), stoppedBy: 'locked' };
  }
  const clients = new Map<string, MlflowClient>();
  const clientFor = (trackingUri: string) => {
    let c = clients.get(trackingUri);
    if (!c) {
      c = new MlflowClient({ trackingUri, ...auth });
      clients.set(trackingUri, c);
    }
    return c;
  };
  let delivered = 0;
  let stoppedBy: string | null = null;
  try {
    const files = queue.pending();
    const inflight = new Set(queue.inflight());
    let i = 0;
    while (i < files.length) {
      const file = files[i] as QueuedFile;
      const op = file.op;
      const target = queue.runMapping(op.clientRunId) as RunTarget | null;
      try {
        if (op.kind === 'create-run') {
          if (!target) await createRun(queue, clientFor(op.target.trackingUri), op);
          queue.remove([file.name]);
          delivered++;
          i++;
          continue;
        }
        if (!target) {
          // Its create was refused (or its file lost): this op can never be delivered.
          queue.fail(file.name, 'the run this operation belongs to was never created on the server');
          i++;
          continue;
        }
        const client = clientFor(target.trackingUri);
        if (op.kind === 'end-run') {
          await client.updateRun(target.runId, op.status, op.endTime);
          queue.remove([file.name]);
          delivered++;
          i++;
          continue;
        }
        const group = takeBatch(files, i);
        const names = group.map((g) => g.name);
        const merged = mergeBatch(group.map((g) => g.op as LogBatchOp));
        const maybeStored = names.some((n) => inflight.has(n));
        if (!(maybeStored && (await alreadyStored(client, target.runId, merged.metrics)))) {
          queue.setInflight(names);
          await client.logBatch(target.runId, merged.metrics, merged.params, merged.tags);
        }
        queue.remove(names);
        queue.setInflight([]);
        delivered += names.length;
        i += group.length;
      } catch (err) {
        if (err instanceof MlflowUnavailableError) {
          stoppedBy = err.message;
          break;
        }
        if (err instanceof MlflowRejectedError) {
          const group = op.kind === 'log-batch' ? takeBatch(files, i) : [file];
          for (const g of group) queue.fail(g.name, err.message);
          queue.setInflight([]);
          i += group.length;
          continue;
        }
        throw err;
      }
    }
    return { delivered, pending: queue.pending().length, failed: queue.failedCount(), stoppedBy };
  } finally {
    release();
  }
}

async function createRun(queue: DiskQueue, client: MlflowClient, op: Extract<QueuedOp, { kind: 'create-run' }>) {
  const experimentId = await client.experimentId(op.target.experimentName);
  const existing = await client.findRunByTag(experimentId, CLIENT_RUN_ID_TAG, op.clientRunId).catch((err) => {
    // A server without tag search cannot tell us; a fresh create is then the only option.
    if (err instanceof MlflowRejectedError) return null;
    throw err;
  });
  const run =
    existing ??
    (await client.createRun(experimentId, op.runName, op.startTime, {
      ...op.tags,
      [CLIENT_RUN_ID_TAG]: op.clientRunId,
    }));
  queue.saveRunMapping(op.clientRunId, { ...run, trackingUri: op.target.trackingUri } as RunTarget);
}

/** Consecutive log-batch ops of one run starting at `start`, within MLflow's batch limits. */
function takeBatch(files: QueuedFile[], start: number): QueuedFile[] {
  const first = files[start] as QueuedFile;
  const group: QueuedFile[] = [first];
  const sizes = countOf(first.op as LogBatchOp);
  for (let j = start + 1; j < files.length; j++) {
    const next = files[j] as QueuedFile;
    if (next.op.kind !== 'log-batch' || next.op.clientRunId !== first.op.clientRunId) break;
    const n = countOf(next.op);
    if (
      sizes.metrics + n.metrics > BATCH_LIMITS.metrics ||
      sizes.params + n.params > BATCH_LIMITS.params ||
      sizes.tags + n.tags > BATCH_LIMITS.tags ||
      sizes.metrics + sizes.params + sizes.tags + n.metrics + n.params + n.tags > BATCH_LIMITS.total
    ) {
      break;
    }
    sizes.metrics += n.metrics;
    sizes.params += n.params;
    sizes.tags += n.tags;
    group.push(next);
  }
  return group;
}

function countOf(op: LogBatchOp) {
  return { metrics: op.metrics.length, params: op.params.length, tags: op.tags.length };
}

function mergeBatch(ops: LogBatchOp[]) {
  return {
    metrics: ops.flatMap((o) => o.metrics),
    params: ops.flatMap((o) => o.params),
    tags: ops.flatMap((o) => o.tags),
  };
}

/** True when the server already holds the batch's first metric point (batches are atomic). */
async function alreadyStored(client: MlflowClient, runId: string, metrics: MetricPoint[]): Promise<boolean> {
  const probe = metrics[0];
  if (!probe) return false; // params and tags alone are idempotent to re-send
  const history = await client.metricHistory(runId, probe.key);
  return history.some(
    (h) =>
      h.step === probe.step &&
      h.timestamp === probe.timestamp &&
      (h.value === probe.value || (Number.isNaN(h.value) && Number.isNaN(probe.value))),
  );
}
