/**
 * A small in-memory MLflow tracking server for the logger's tests (the endpoints the logger
 * calls, with MLflow's error shapes). It stores every metric point it is sent without
 * de-duplicating, so a test sees any point the logger delivered twice. `dropAnswerOf` makes it
 * store a request and then cut the connection, as a crash or a lost reply would.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRun {
  runId: string;
  experimentId: string;
  name: string | null;
  status: string;
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: { key: string; value: number; timestamp: number; step: number }[];
}

export interface FakeMlflow {
  url: string;
  port: number;
  runs: FakeRun[];
  experiments: Map<string, string>;
  /** Endpoints (e.g. `runs/create`) whose next request is stored and then answered by cutting the connection. */
  dropAnswerOf: Set<string>;
  requests: string[];
  close(): Promise<void>;
}

export async function startFakeMlflow(port = 0): Promise<FakeMlflow> {
  const runs: FakeRun[] = [];
  const experiments = new Map<string, string>([['Default', '0']]);
  const dropAnswerOf = new Set<string>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const endpoint = url.pathname.replace(/^.*\/api\/2\.0\/mlflow\//, '');
      requests.push(endpoint);
      const input: Record<string, unknown> =
        req.method === 'GET' ? Object.fromEntries(url.searchParams) : body ? JSON.parse(body) : {};
      const send = (status: number, json: unknown) => {
        if (dropAnswerOf.delete(endpoint)) {
          req.socket.destroy();
          return;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const run = runs.find((r) => r.runId === (input.run_id ?? input.run_uuid));
      switch (endpoint) {
        case 'experiments/get-by-name': {
          const id = experiments.get(String(input.experiment_name));
          return id
            ? send(200, { experiment: { experiment_id: id, name: input.experiment_name } })
            : send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such experiment' });
        }
        case 'experiments/create': {
          if (experiments.has(String(input.name)))
            return send(400, { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'exists' });
          const id = String(experiments.size);
          experiments.set(String(input.name), id);
          return send(200, { experiment_id: id });
        }
        case 'runs/create': {
          const tags = Object.fromEntries(
            ((input.tags as { key: string; value: string }[]) ?? []).map((t) => [t.key, t.value]),
          );
          const r: FakeRun = {
            runId: `run${runs.length}`,
            experimentId: String(input.experiment_id),
            name: (input.run_name as string) ?? null,
            status: 'RUNNING',
            tags,
            params: {},
            metrics: [],
          };
          runs.push(r);
          return send(200, { run: { info: { run_id: r.runId, experiment_id: r.experimentId }, data: {} } });
        }
        case 'runs/search': {
          const m = /^tags\.`([^`]+)` = '(.*)'$/.exec(String(input.filter ?? ''));
          const ids = (input.experiment_ids as string[]) ?? [];
          const found = runs.filter((r) => ids.includes(r.experimentId) && (!m || r.tags[m[1] as string] === m[2]));
          return send(200, { runs: found.map((r) => ({ info: { run_id: r.runId, experiment_id: r.experimentId } })) });
        }
        case 'runs/log-batch': {
          if (!run) return send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no run' });
          const refusal = logBatchRefusal(input);
          if (refusal) return send(400, { error_code: 'INVALID_PARAMETER_VALUE', message: refusal });
          for (const p of (input.params as { key: string; value: string }[]) ?? []) {
            if (p.key in run.params && run.params[p.key] !== p.value) {
              return send(400, { error_code: 'INVALID_PARAMETER_VALUE', message: `param ${p.key} changed` });
            }
            run.params[p.key] = p.value;
          }
          for (const t of (input.tags as { key: string; value: string }[]) ?? []) run.tags[t.key] = t.value;
          for (const m of (input.metrics as FakeRun['metrics']) ?? [])
            run.metrics.push({ ...m, value: Number(m.value) });
          return send(200, {});
        }
        case 'runs/update': {
          if (!run) return send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no run' });
          run.status = String(input.status);
          return send(200, { run_info: {} });
        }
        case 'metrics/get-history': {
          if (!run) return send(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no run' });
          return send(200, { metrics: run.metrics.filter((m) => m.key === input.metric_key) });
        }
        default:
          return send(404, { error_code: 'ENDPOINT_NOT_FOUND', message: endpoint });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  const fake: FakeMlflow = {
    url: `http://127.0.0.1:${actual}/demo/proj.mlflow`,
    port: actual,
    runs,
    experiments,
    dropAnswerOf,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** MLflow's own checks of a log-batch request (limits, names, one value per param key). */
function logBatchRefusal(input: Record<string, unknown>): string | null {
  const metrics = (input.metrics as { key: string }[]) ?? [];
  const params = (input.params as { key: string }[]) ?? [];
  const tags = (input.tags as { key: string }[]) ?? [];
  if (metrics.length > 1000 || params.length > 100 || tags.length > 100) return 'batch limits exceeded';
  if (metrics.length + params.length + tags.length > 1000) return 'batch total exceeded';
  const keys = params.map((p) => p.key);
  if (new Set(keys).size !== keys.length) return `Duplicate parameter keys have been submitted: ${keys}`;
  const bad = [...metrics, ...params, ...tags].find((e) => !/^[/\w.\- :]+$/.test(e.key));
  return bad ? `Invalid name: '${bad.key}'` : null;
}

/** A port nothing listens on right now (to log while "the server is down"). */
export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
