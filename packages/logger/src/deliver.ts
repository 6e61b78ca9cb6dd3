/**
 * Delivers a queue folder's operations to their MLflow servers, in order, each exactly once:
 * - a run is created with a client-made id in a tag; a create whose answer was lost is found
 *   again by that tag instead of being made twice;
 * - consecutive log-batch operations of a run travel together in one `runs/log-batch` request,
 *   within MLflow's limits (1000 metrics, 100 params, 100 tags, 1000 in all, ~1 MB);
 * - a batch whose answer was lost is re-sent without the metric points the server already holds
 *   (read back from its history), so nothing is stored twice even where the server keeps
 *   duplicates (MLflow's file store) or wrote part of the batch before failing. This is exact
 *   because the logger never queues the same point twice for a run (experiment-logger.ts);
 * - an unreachable server stops delivery (everything stays queued); a refused batch is re-sent
 *   one operation at a time, so only the operation the server refuses moves to failed/.
 */
import { DiskQueue, type QueuedFile } from './disk-queue.ts';
import { MlflowRejectedError, MlflowUnavailableError } from './errors.ts';
import { type MlflowAuth, MlflowClient } from './mlflow-client.ts';
import { CLIENT_RUN_ID_TAG, type MetricPoint, type QueuedOp } from './queue-ops.ts';

/** MLflow's log-batch limits, plus a body size that stays under the 1 MB some servers allow. */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, bytes: 900_000 } as const;

export interface DeliveryResult {
  delivered: number;
  pending: number;
  failed: number;
  /** Why delivery stopped early (the server was unreachable), or null when the queue drained. */
  stoppedBy: string | null;
  /** HTTP requests made in this round (how well batching works). */
  requests: number;
}

type LogBatchOp = Extract<QueuedOp, { kind: 'log-batch' }>;
type RunTarget = { runId: string; experimentId: string; trackingUri: string };
type KeyValue = { key: string; value: string };

export async function deliverQueue(queueDir: string, auth: MlflowAuth = {}): Promise<DeliveryResult> {
  const queue = new DiskQueue(queueDir);
  const release = queue.lock();
  if (!release) {
    return {
      delivered: 0,
      pending: queue.pending().length,
      failed: queue.failedCount(),
      stoppedBy: 'locked',
      requests: 0,
    };
  }
  try {
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
    // Ops sent in a request whose answer may have been lost: they may already be (partly) stored.
    // A name stays marked until its op is delivered or refused, whatever is sent in between.
    const files = queue.pending();
    const pendingNames = new Set(files.map((f) => f.name));
    const inflight = new Set(queue.inflight().filter((n) => pendingNames.has(n)));
    const mark = (names: string[], sent: boolean) => {
      let changed = false;
      for (const n of names) {
        if (inflight.has(n) === sent) continue;
        if (sent) inflight.add(n);
        else inflight.delete(n);
        changed = true;
      }
      if (changed) queue.setInflight([...inflight]);
    };
    // Ops of a refused batch, re-sent one at a time to find the one the server refuses.
    const solo = new Set<string>();
    let i = 0;
    while (i < files.length) {
      const file = files[i] as QueuedFile;
      const op = file.op;
      const target = queue.runMapping(op.clientRunId) as RunTarget | null;
      let group: QueuedFile[] = [file];
      try {
        if (op.kind === 'create-run') {
          if (!target) {
            const maybeCreated = inflight.has(file.name);
            await createRun(queue, clientFor(op.target.trackingUri), op, maybeCreated, () => mark([file.name], true));
          }
          queue.remove([file.name]);
          mark([file.name], false);
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
        group = solo.has(file.name) ? [file] : takeBatch(files, i);
        const names = group.map((g) => g.name);
        const merged = mergeBatch(group.map((g) => g.op as LogBatchOp));
        if (names.some((n) => inflight.has(n)) && merged.metrics.length > 0) {
          merged.metrics = await notYetStored(client, target.runId, merged.metrics);
        }
        mark(names, true);
        if (merged.metrics.length + merged.params.length + merged.tags.length > 0) {
          await client.logBatch(target.runId, merged.metrics, merged.params, merged.tags);
        }
        queue.remove(names);
        mark(names, false);
        delivered += names.length;
        i += group.length;
      } catch (err) {
        if (err instanceof MlflowUnavailableError) {
          stoppedBy = err.message;
          break;
        }
        if (err instanceof MlflowRejectedError) {
          if (group.length > 1) {
            // One op spoils the batch; the others must not go down with it. Their inflight marks
            // stay, so a server that wrote part of the batch gets no duplicates on the re-sends.
            for (const g of group) solo.add(g.name);
            continue;
          }
          queue.fail(file.name, err.message);
          mark([file.name], false);
          i++;
          continue;
        }
        throw err;
      }
    }
    const requests = [...clients.values()].reduce((n, c) => n + c.requestCount, 0);
    return { delivered, pending: queue.pending().length, failed: queue.failedCount(), stoppedBy, requests };
  } finally {
    release();
  }
}

async function createRun(
  queue: DiskQueue,
  client: MlflowClient,
  op: Extract<QueuedOp, { kind: 'create-run' }>,
  maybeCreated: boolean,
  beforeCreate: () => void,
) {
  const experimentId = await client.experimentId(op.target.experimentName);
  // Only a create whose answer was lost can have made the run already; look for it then.
  const existing = maybeCreated
    ? await client.findRunByTag(experimentId, CLIENT_RUN_ID_TAG, op.clientRunId).catch((err) => {
        // A server without tag search cannot tell us; a fresh create is then the only option.
        if (err instanceof MlflowRejectedError) return null;
        throw err;
      })
    : null;
  let run = existing;
  if (!run) {
    beforeCreate();
    run = await client.createRun(experimentId, op.runName, op.startTime, {
      ...op.tags,
      [CLIENT_RUN_ID_TAG]: op.clientRunId,
    });
  }
  queue.saveRunMapping(op.clientRunId, { ...run, trackingUri: op.target.trackingUri } as RunTarget);
}

/**
 * Consecutive log-batch ops of one run starting at `start`, within MLflow's batch limits. The
 * group ends before an op that would give a param a second value (MLflow refuses a batch with
 * a param key twice, so such an op goes alone and only it is refused).
 */
function takeBatch(files: QueuedFile[], start: number): QueuedFile[] {
  const first = files[start] as QueuedFile;
  const group: QueuedFile[] = [first];
  const firstOp = first.op as LogBatchOp;
  const params = new Map(firstOp.params.map((p) => [p.key, p.value]));
  const tagKeys = new Set(firstOp.tags.map((t) => t.key));
  let metrics = firstOp.metrics.length;
  let bytes = JSON.stringify(firstOp).length;
  for (let j = start + 1; j < files.length; j++) {
    const next = files[j] as QueuedFile;
    if (next.op.kind !== 'log-batch' || next.op.clientRunId !== firstOp.clientRunId) break;
    const op = next.op;
    if (op.params.some((p) => params.has(p.key) && params.get(p.key) !== p.value)) break;
    const newParams = new Set(op.params.filter((p) => !params.has(p.key)).map((p) => p.key)).size;
    const newTags = new Set(op.tags.filter((t) => !tagKeys.has(t.key)).map((t) => t.key)).size;
    const size = JSON.stringify(op).length;
    if (
      metrics + op.metrics.length > BATCH_LIMITS.metrics ||
      params.size + newParams > BATCH_LIMITS.params ||
      tagKeys.size + newTags > BATCH_LIMITS.tags ||
      metrics + op.metrics.length + params.size + newParams + tagKeys.size + newTags > BATCH_LIMITS.total ||
      bytes + size > BATCH_LIMITS.bytes
    ) {
      break;
    }
    metrics += op.metrics.length;
    for (const p of op.params) params.set(p.key, p.value);
    for (const t of op.tags) tagKeys.add(t.key);
    bytes += size;
    group.push(next);
  }
  return group;
}

/** One request's body: each param once (MLflow refuses a key twice), each tag at its last value. */
function mergeBatch(ops: LogBatchOp[]): { metrics: MetricPoint[]; params: KeyValue[]; tags: KeyValue[] } {
  const params = new Map<string, string>();
  const tags = new Map<string, string>();
  for (const o of ops) {
    for (const p of o.params) if (!params.has(p.key)) params.set(p.key, p.value);
    for (const t of o.tags) {
      tags.delete(t.key); // keep the order of last writes
      tags.set(t.key, t.value);
    }
  }
  return {
    metrics: ops.flatMap((o) => o.metrics),
    params: [...params].map(([key, value]) => ({ key, value })),
    tags: [...tags].map(([key, value]) => ({ key, value })),
  };
}

const pointId = (p: MetricPoint) => `${p.key}\u0000${p.step}\u0000${p.timestamp}\u0000${String(p.value)}`;

/** The points of a batch the server does not hold yet (history of each of its keys). */
async function notYetStored(client: MlflowClient, runId: string, metrics: MetricPoint[]): Promise<MetricPoint[]> {
  const stored = new Set<string>();
  for (const key of new Set(metrics.map((m) => m.key))) {
    for (const h of await client.metricHistory(runId, key)) stored.add(pointId(h));
  }
  return metrics.filter((m) => !stored.has(pointId(m)));
}
