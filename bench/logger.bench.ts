/**
 * @cairn/logger against the real server (a child process, as `npm start` runs it): a training
 * loop of STEPS steps × 5 metrics, logged and delivered, against the same points sent one
 * MLflow call each (`runs/log-metric`, what a client without batching does) in the same run.
 * Also: the logging loop alone (the queue's durable writes; no network), and how many requests
 * the logger made. `BENCH_LOGGER_STEPS` scales it (default 200).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeLogger } from '../packages/logger/src/index.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { measure, report } from './lib.ts';

const STEPS = Number(process.env.BENCH_LOGGER_STEPS ?? 200);
const KEYS = ['loss', 'acc', 'lr', 'grad_norm', 'val_loss'];
const TOKEN = 'cairn_bench_logger_token_000001';
const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-logger-'));
const server = await spawnServer(path.join(dir, 'data'), {
  CAIRN_ADMIN_PASSWORD: 'bench-pw',
  CAIRN_ADMIN_TOKEN: TOKEN,
});
try {
  const created = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench', private: true }),
  });
  if (created.status >= 300) throw new Error(`repo create answered ${created.status}`);
  const uri = `${server.url}/admin/bench.mlflow`;
  const api = async (endpoint: string, body: unknown) => {
    const res = await fetch(`${uri}/api/2.0/mlflow/${endpoint}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${endpoint} answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  };

  const perPoint = await measure(
    `one call per point (${STEPS * KEYS.length} × runs/log-metric)`,
    async () => {
      const r = (await api('runs/create', { experiment_id: '0', start_time: Date.now() })) as {
        run: { info: { run_id: string } };
      };
      for (let step = 0; step < STEPS; step++) {
        const timestamp = Date.now();
        for (const [i, key] of KEYS.entries()) {
          await api('runs/log-metric', { run_id: r.run.info.run_id, key, value: i + step / 7, timestamp, step });
        }
      }
      await api('runs/update', { run_id: r.run.info.run_id, status: 'FINISHED', end_time: Date.now() });
    },
    { runs: 5 },
  );

  let n = 0;
  const requests: number[] = [];
  const loop = (deliver: boolean) => async () => {
    const log = makeLogger({
      files: false,
      gitTags: false,
      mlflow: { trackingUri: uri, token: TOKEN, queueDir: path.join(dir, `q${n++}`), retry: false },
    });
    for (let step = 0; step < STEPS; step++) {
      log.logMetrics(Object.fromEntries(KEYS.map((k, i) => [k, i + step / 7])), step);
    }
    if (deliver) {
      const result = await log.end();
      if (!result || result.pending > 0) throw new Error(`not delivered: ${JSON.stringify(result)}`);
      requests.push(result.requests);
    }
  };
  const logged = await measure(`@cairn/logger: log + deliver (${STEPS} steps × 5)`, loop(true), { runs: 5 });
  const queued = await measure(`@cairn/logger: the logging loop alone (durable queue writes)`, loop(false), {
    runs: 5,
  });
  report(`MLflow logging, ${STEPS} steps × ${KEYS.length} metrics`, perPoint, [logged, queued], {
    'logger requests per run': requests.join(', '),
    'queue write per logMetrics call': `${(queued.medianMs / STEPS).toFixed(2)} ms (one fsync'd file per call)`,
  });
} finally {
  await server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
