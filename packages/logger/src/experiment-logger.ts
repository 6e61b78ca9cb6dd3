/**
 * `makeLogger`: what a training script uses. It writes the DagsHub logger's files and/or
 * queues every call for an MLflow endpoint; logging never waits on the network and never
 * fails because the server is down.
 *
 *   const log = makeLogger({ mlflow: { trackingUri: 'http://127.0.0.1:8787/demo/seg.mlflow' } });
 *   log.logParams({ lr: 0.01, model: { depth: 4 } });
 *   for (let step = 1; step <= 10; step++) log.logMetrics({ loss: 1 / step }, step);
 *   await log.end(); // delivers what it can now; the rest waits in the queue folder
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import {
  type DagshubMetricValue,
  type DagshubParamLeaf,
  type DagshubParamTree,
  normalizeDagshubParams,
  pythonStr,
} from '@cairn/core/dagshub';
import { type DeliveryResult, deliverQueue } from './deliver.ts';
import { DiskQueue } from './disk-queue.ts';
import { InvalidLogValueError } from './errors.ts';
import { FileSink } from './file-sink.ts';
import type { MlflowAuth } from './mlflow-client.ts';
import type { MetricPoint } from './queue-ops.ts';

export interface MlflowOptions extends MlflowAuth {
  /** e.g. `http://127.0.0.1:8787/owner/repo.mlflow`; defaults to $MLFLOW_TRACKING_URI. */
  trackingUri?: string;
  /** Defaults to $MLFLOW_EXPERIMENT_NAME, else `Default`. */
  experimentName?: string;
  /** Where undelivered work waits; defaults to `.cairn-logger-queue` in the working folder. */
  queueDir?: string;
  /** Keep retrying in the background while the process runs (default true). */
  retry?: boolean;
  /**
   * How long logged values wait to be sent together (default 1000 ms): a training loop makes
   * about one request per window, or one per 1000 metric points when it logs faster.
   */
  batchWindowMs?: number;
}

export interface LoggerOptions {
  /** DagsHub logger files; `false` writes none. Defaults: metrics.csv and params.yml here. */
  files?: { metricsPath?: string; paramsPath?: string } | false;
  /** Also (or only) log to an MLflow endpoint. */
  mlflow?: MlflowOptions;
  runName?: string;
  tags?: Record<string, string>;
  /**
   * Tag the run with the commit checked out in the working folder (`mlflow.source.git.commit`
   * and `.branch`, as MLflow's own clients do), so the run links to its code. Default true;
   * `{ cwd }` reads another folder's checkout.
   */
  gitTags?: boolean | { cwd: string };
  /** Milliseconds since the epoch (tests pass a fixed clock). */
  now?: () => number;
}

export interface ExperimentLogger {
  /** The client-made id of this run (also the `cairn.client_run_id` tag on the server). */
  readonly clientRunId: string;
  logParams(params: Record<string, unknown>): void;
  logMetrics(metrics: Record<string, DagshubMetricValue>, step?: number): void;
  setTags(tags: Record<string, string>): void;
  /** Tries to deliver now; resolves with what is still queued. Never throws for a down server. */
  flush(): Promise<DeliveryResult | null>;
  /** Ends the run and tries to deliver; `waitMs` keeps retrying that long for an absent server. */
  end(opts?: { status?: 'FINISHED' | 'FAILED' | 'KILLED'; waitMs?: number }): Promise<DeliveryResult | null>;
}

/** The commit (and branch) checked out where the script runs, or none outside a git work tree. */
function gitSourceTags(cwd: string): Record<string, string> {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
        .toString()
        .trim();
    } catch {
      return ''; // no git, or not a work tree: nothing to link
    }
  };
  const commit = git(['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (!/^[0-9a-f]{40,64}$/.test(commit)) return {};
  const branch = git(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return { 'mlflow.source.git.commit': commit, ...(branch ? { 'mlflow.source.git.branch': branch } : {}) };
}

function flatten(
  tree: DagshubParamTree,
  prefix = '',
  out: [string, DagshubParamLeaf][] = [],
): [string, DagshubParamLeaf][] {
  for (const [k, v] of Object.entries(tree)) {
    if (v !== null && typeof v === 'object') flatten(v, `${prefix}${k}.`, out);
    else out.push([`${prefix}${k}`, v]);
  }
  return out;
}

export function makeLogger(opts: LoggerOptions = {}): ExperimentLogger {
  const now = opts.now ?? Date.now;
  const clientRunId = crypto.randomUUID().replaceAll('-', '');
  const startTime = now();
  const files =
    opts.files === false
      ? null
      : new FileSink(
          path.resolve(opts.files?.metricsPath ?? 'metrics.csv'),
          path.resolve(opts.files?.paramsPath ?? 'params.yml'),
        );
  const trackingUri = opts.mlflow?.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
  const auth: MlflowAuth = {
    token: opts.mlflow?.token ?? process.env.MLFLOW_TRACKING_TOKEN,
    username: opts.mlflow?.username ?? process.env.MLFLOW_TRACKING_USERNAME,
    password: opts.mlflow?.password ?? process.env.MLFLOW_TRACKING_PASSWORD,
  };
  const queueDir = path.resolve(opts.mlflow?.queueDir ?? '.cairn-logger-queue');
  const queue = opts.mlflow && trackingUri ? new DiskQueue(queueDir) : null;
  const retry = opts.mlflow?.retry ?? true;
  const batchWindowMs = opts.mlflow?.batchWindowMs ?? 1000;
  // Metric points queued since the last delivery round started: a full batch goes at once.
  let unsentPoints = 0;
  // The points logged at each key's latest timestamp: the same point twice is dropped, so the
  // queue never holds a duplicate and delivery can tell a stored point by its history.
  const lastPoints = new Map<string, { timestamp: number; seen: Set<string> }>();
  const isRepeat = (p: MetricPoint) => {
    const id = `${p.step}\u0000${String(p.value)}`;
    const last = lastPoints.get(p.key);
    if (last && last.timestamp === p.timestamp) {
      if (last.seen.has(id)) return true;
      last.seen.add(id);
    } else {
      lastPoints.set(p.key, { timestamp: p.timestamp, seen: new Set([id]) });
    }
    return false;
  };
  let seq = 0;
  let params: DagshubParamTree = {};
  let ended = false;
  let timer: NodeJS.Timeout | null = null;
  let backoffMs = 250;
  let delivering: Promise<DeliveryResult> | null = null;

  const enqueueBatch = (
    metrics: MetricPoint[],
    p: { key: string; value: string }[],
    t: { key: string; value: string }[],
  ) => {
    if (!queue) return;
    // Split so that each queued op fits one MLflow log-batch request.
    const put = (m: MetricPoint[], pp: { key: string; value: string }[], tt: { key: string; value: string }[]) =>
      queue.enqueue({ kind: 'log-batch', clientRunId, metrics: m, params: pp, tags: tt }, startTime, seq++);
    for (let i = 0; i < metrics.length; i += 1000) put(metrics.slice(i, i + 1000), [], []);
    for (let i = 0; i < p.length; i += 100) put([], p.slice(i, i + 100), []);
    for (let i = 0; i < t.length; i += 100) put([], [], t.slice(i, i + 100));
    unsentPoints += metrics.length;
    // A full batch goes at once instead of at the end of the window (unless the server is
    // away: then the backoff decides).
    const hurry = unsentPoints >= 1000 && backoffMs === 250;
    if (hurry && timer) {
      clearTimeout(timer);
      timer = null;
    }
    schedule(hurry ? 0 : batchWindowMs);
  };

  const deliverNow = async (): Promise<DeliveryResult | null> => {
    if (!queue) return null;
    if (delivering) await delivering.catch(() => null);
    unsentPoints = 0;
    delivering = deliverQueue(queueDir, auth);
    try {
      const result = await delivering;
      if (result.stoppedBy && retry) {
        backoffMs = Math.min(backoffMs * 2, 30_000);
        schedule(backoffMs);
      } else {
        backoffMs = 250;
      }
      return result;
    } finally {
      delivering = null;
    }
  };

  function schedule(ms: number) {
    if (!queue || !retry || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void deliverNow().catch(() => {
        backoffMs = Math.min(backoffMs * 2, 30_000);
        schedule(backoffMs);
      });
    }, ms);
    // Background retries must not keep a finished script alive; end({waitMs}) waits on purpose.
    timer.unref();
  }

  if (queue) {
    queue.enqueue(
      {
        kind: 'create-run',
        clientRunId,
        target: {
          trackingUri: trackingUri as string,
          experimentName: opts.mlflow?.experimentName ?? process.env.MLFLOW_EXPERIMENT_NAME ?? 'Default',
        },
        runName: opts.runName ?? null,
        startTime,
        tags: {
          ...(opts.gitTags === false
            ? {}
            : gitSourceTags(typeof opts.gitTags === 'object' ? opts.gitTags.cwd : process.cwd())),
          ...(opts.runName ? { 'mlflow.runName': opts.runName } : {}),
          ...(opts.tags ?? {}),
        },
      },
      startTime,
      seq++,
    );
    schedule(0);
  }

  const assertOpen = () => {
    if (ended) throw new InvalidLogValueError('run', clientRunId, 'the run has ended');
  };

  return {
    clientRunId,
    logParams(newParams) {
      assertOpen();
      const normalized = normalizeDagshubParams(newParams);
      // dict.update, as the Python logger does: top-level keys replace, nested maps are not merged.
      params = { ...params, ...normalized };
      files?.writeParams(params);
      const entries = flatten(normalized).map(([key, v]) => ({ key, value: v === null ? 'None' : pythonStr(v) }));
      if (entries.length) enqueueBatch([], entries, []);
    },
    logMetrics(metrics, step = 1) {
      assertOpen();
      if (!Number.isInteger(step)) throw new InvalidLogValueError('step', step, 'the step must be an integer');
      const entries = Object.entries(metrics);
      const timestamp = Math.trunc(now());
      const points: MetricPoint[] = [];
      for (const [key, value] of entries) {
        if (typeof value === 'string' && queue) {
          throw new InvalidLogValueError(key, value, 'MLflow metrics must be numbers');
        }
        if (typeof value === 'string') continue;
        const point = { key, value: Number(value), timestamp, step };
        if (!isRepeat(point)) points.push(point);
      }
      files?.writeMetrics(entries, timestamp, step);
      if (points.length) enqueueBatch(points, [], []);
    },
    setTags(tags) {
      assertOpen();
      const entries = Object.entries(tags).map(([key, value]) => ({ key, value: String(value) }));
      if (entries.length) enqueueBatch([], [], entries);
    },
    flush: deliverNow,
    async end(endOpts = {}) {
      if (!ended && queue) {
        queue.enqueue(
          { kind: 'end-run', clientRunId, status: endOpts.status ?? 'FINISHED', endTime: now() },
          startTime,
          seq++,
        );
      }
      ended = true;
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      const deadline = Date.now() + (endOpts.waitMs ?? 0);
      let result = await deliverNow();
      while (result && (result.stoppedBy || result.pending > 0) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
        result = await deliverNow();
      }
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      return result;
    },
  };
}
