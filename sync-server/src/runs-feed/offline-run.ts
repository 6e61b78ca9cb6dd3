import { type MetricPoint, RUN_STATUSES, type RunStatus } from '@cairn/core';
import { CairnError } from '@cairn/core/errors';
import { MlflowError } from '../mlflow/errors.ts';
import { type Input, requiredDouble, validateKey, validateValue } from '../mlflow/validate.ts';

/**
 * A run a client created offline, as uploaded to `POST /api/v1/repos/OWNER/REPO/runs/batch`:
 * untrusted JSON until `readOfflineRun` has checked it with the same rules as MLflow's API.
 *
 *   { "id": "client-made id", "experimentId": "0", "name": "…", "status": "FINISHED",
 *     "startTime": 1700000000000, "endTime": 1700000100000, "userId": "…",
 *     "params": {"lr": "0.01"}, "tags": {"k": "v"},
 *     "metrics": [{"key": "loss", "value": 0.3, "timestamp": 1700000000500, "step": 1}] }
 */
export interface OfflineRun {
  id: string;
  experimentId: number;
  name: string | undefined;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  params: Array<[string, string]>;
  tags: Array<[string, string]>;
  metrics: MetricPoint[];
}

/** Client-made run ids: a UUID, a ULID, MLflow's 32 hex digits… */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export class OfflineRunError extends CairnError<'invalid_run'> {
  override readonly name = 'OfflineRunError';
  constructor(
    message: string,
    readonly index: number,
  ) {
    super('invalid_run', message);
  }
}

export function readOfflineRun(raw: unknown, index: number): OfflineRun {
  const fail = (message: string): never => {
    throw new OfflineRunError(`runs[${index}]: ${message}`, index);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('each run must be a JSON object.');
  const r = raw as Input;
  if (typeof r.id !== 'string' || !RUN_ID.test(r.id)) {
    fail('id must be 1–64 letters, digits, "_" or "-", starting with a letter or digit.');
  }
  const exp = r.experimentId ?? '0';
  if ((typeof exp !== 'string' && typeof exp !== 'number') || !/^\d{1,15}$/.test(String(exp))) {
    fail('experimentId must be a decimal experiment id like "0".');
  }
  if (r.name !== undefined && (typeof r.name !== 'string' || r.name.length > 500))
    fail('name must be a string of at most 500 characters.');
  const status = r.status ?? 'FINISHED';
  if (!RUN_STATUSES.includes(status as RunStatus)) fail(`status must be one of ${RUN_STATUSES.join(', ')}.`);
  const time = (v: unknown, field: string): number => {
    if (!Number.isSafeInteger(v) || (v as number) < 0) fail(`${field} must be epoch milliseconds.`);
    return v as number;
  };
  const record = (v: unknown, field: string): Array<[string, string]> => {
    if (v === undefined) return [];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${field} must be an object of strings.`);
    return Object.entries(v as Input).map(([k, val]) => [k, String(val ?? '')]);
  };
  if (r.metrics !== undefined && !Array.isArray(r.metrics))
    fail('metrics must be a list of {key, value, timestamp, step}.');
  try {
    return {
      id: r.id as string,
      experimentId: Number(exp),
      name: r.name as string | undefined,
      userId: typeof r.userId === 'string' ? r.userId : '',
      status: status as RunStatus,
      startTime: time(r.startTime, 'startTime'),
      endTime: r.endTime === undefined || r.endTime === null ? null : time(r.endTime, 'endTime'),
      params: record(r.params, 'params').map(([k, v]) => [validateKey('param', k), validateValue('param', k, v)]),
      tags: record(r.tags, 'tags').map(([k, v]) => [validateKey('tag', k), validateValue('tag', k, v)]),
      metrics: ((r.metrics ?? []) as unknown[]).map((m, i) => {
        if (typeof m !== 'object' || m === null) return fail(`metrics[${i}] must be an object.`);
        const o = m as Input;
        return {
          key: validateKey('metric', o.key),
          value: requiredDouble(o, 'value'),
          timestamp: time(o.timestamp, `metrics[${i}].timestamp`),
          step:
            o.step === undefined
              ? 0
              : Number.isSafeInteger(o.step)
                ? (o.step as number)
                : fail(`metrics[${i}].step must be an integer.`),
        };
      }),
    };
  } catch (err) {
    if (err instanceof MlflowError) fail(err.message);
    throw err;
  }
}
