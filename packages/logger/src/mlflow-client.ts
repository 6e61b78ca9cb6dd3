/**
 * The few MLflow REST 2.0 calls the logger needs (docs/FORMATS.md §4), over fetch.
 * Unreachable servers, 5xx and 429 become MlflowUnavailableError (retry later); other
 * refusals become MlflowRejectedError (retrying cannot help).
 */
import { MlflowRejectedError, MlflowUnavailableError } from './errors.ts';
import type { MetricPoint } from './queue-ops.ts';

export interface MlflowAuth {
  /** Sent as `Authorization: Bearer TOKEN`. */
  token?: string;
  username?: string;
  password?: string;
}

export interface MlflowClientOptions extends MlflowAuth {
  trackingUri: string;
  /** Per-request timeout; an answer that never comes is treated as "unavailable". */
  timeoutMs?: number;
}

export interface MlflowRunSummary {
  runId: string;
  experimentId: string;
}

/** MLflow encodes non-finite doubles as these strings in JSON. */
function jsonDouble(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return x;
}

export class MlflowClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  /** Requests sent so far (tests and delivery results count them). */
  requestCount = 0;

  constructor(opts: MlflowClientOptions) {
    this.base = `${opts.trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow`;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.headers = { Accept: 'application/json' };
    if (opts.token) this.headers.Authorization = `Bearer ${opts.token}`;
    else if (opts.username !== undefined) {
      const basic = Buffer.from(`${opts.username}:${opts.password ?? ''}`).toString('base64');
      this.headers.Authorization = `Basic ${basic}`;
    }
  }

  private async call<T>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown>): Promise<T> {
    let url = `${this.base}/${endpoint}`;
    const init: RequestInit = { method, headers: { ...this.headers }, signal: AbortSignal.timeout(this.timeoutMs) };
    if (method === 'GET') {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined) qs.set(k, String(v));
      url += `?${qs}`;
    } else {
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res: Response;
    this.requestCount++;
    try {
      res = await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new MlflowUnavailableError(endpoint, cause ?? (err as Error).message);
    }
    const text = await res.text().catch(() => '');
    if (res.status === 429 || res.status >= 500) throw new MlflowUnavailableError(endpoint, `HTTP ${res.status}`);
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (res.ok) throw new MlflowUnavailableError(endpoint, 'the answer was not JSON');
    }
    if (!res.ok) {
      const code = typeof json.error_code === 'string' ? json.error_code : null;
      const message = typeof json.message === 'string' ? json.message : text.slice(0, 200);
      throw new MlflowRejectedError(endpoint, res.status, code, message);
    }
    return json as T;
  }

  /** The id of the experiment of this name, created when missing. */
  async experimentId(name: string): Promise<string> {
    try {
      const r = await this.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', {
        experiment_name: name,
      });
      return String(r.experiment.experiment_id);
    } catch (err) {
      if (!(err instanceof MlflowRejectedError) || err.errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw err;
    }
    try {
      const r = await this.call<{ experiment_id: string }>('POST', 'experiments/create', { name });
      return String(r.experiment_id);
    } catch (err) {
      // Someone else created it between our two calls.
      if (err instanceof MlflowRejectedError && err.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        return this.experimentId(name);
      }
      throw err;
    }
  }

  /** The run carrying this tag value, if any (how a re-sent create finds the run it made). */
  async findRunByTag(experimentId: string, key: string, value: string): Promise<MlflowRunSummary | null> {
    const r = await this.call<{ runs?: { info: { run_id: string; experiment_id: string } }[] }>('POST', 'runs/search', {
      experiment_ids: [experimentId],
      filter: `tags.\`${key}\` = '${value.replaceAll("'", "\\'")}'`,
      max_results: 2,
    });
    const run = r.runs?.[0];
    return run ? { runId: run.info.run_id, experimentId: String(run.info.experiment_id) } : null;
  }

  async createRun(
    experimentId: string,
    runName: string | null,
    startTime: number,
    tags: Record<string, string>,
  ): Promise<MlflowRunSummary> {
    const r = await this.call<{ run: { info: { run_id: string; experiment_id: string } } }>('POST', 'runs/create', {
      experiment_id: experimentId,
      ...(runName ? { run_name: runName } : {}),
      start_time: startTime,
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    });
    return { runId: r.run.info.run_id, experimentId: String(r.run.info.experiment_id) };
  }

  async logBatch(
    runId: string,
    metrics: MetricPoint[],
    params: { key: string; value: string }[],
    tags: { key: string; value: string }[],
  ): Promise<void> {
    await this.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: metrics.map((m) => ({ ...m, value: jsonDouble(m.value) })),
      params,
      tags,
    });
  }

  async updateRun(runId: string, status: string, endTime: number): Promise<void> {
    await this.call('POST', 'runs/update', { run_id: runId, run_uuid: runId, status, end_time: endTime });
  }

  /** Every point of a metric, following MLflow's page tokens. */
  async metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    const out: MetricPoint[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.call<{
        metrics?: { key: string; value: number | string; timestamp: number | string; step?: number | string }[];
        next_page_token?: string;
      }>('GET', 'metrics/get-history', { run_id: runId, metric_key: key, page_token: pageToken });
      for (const m of r.metrics ?? []) {
        out.push({ key: m.key, value: Number(m.value), timestamp: Number(m.timestamp), step: Number(m.step ?? 0) });
      }
      pageToken = r.next_page_token || undefined;
    } while (pageToken);
    return out;
  }
}
