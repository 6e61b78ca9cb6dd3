/**
 * @cairn/logger against the real sync server: a training script logs 3 runs while the server is
 * down (they queue on disk), the server starts, the queue is delivered, and each run arrives
 * exactly once — checked through MLflow's own REST search.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { deliverQueue } from '../../packages/logger/src/index.ts';
import { createRepo } from '../support/create-repo.ts';
import { freePort } from '../support/free-port.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const exec = promisify(execFile);
const TOKEN = 'cairn_logger_test_admin_token_0001';
const TSX = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
const LOGGER = path.resolve(import.meta.dirname, '../../packages/logger/src/index.ts');

describe('the logger while the server is down', () => {
  let server: TestServer | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-logger-real-'));
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queues 3 runs, and once the server is up they arrive exactly once each', async () => {
    const port = await freePort();
    const uri = `http://127.0.0.1:${port}/admin/training.mlflow`;
    const queueDir = path.join(dir, 'queue');
    const script = path.join(dir, 'train.mts');
    fs.writeFileSync(
      script,
      `import { makeLogger } from ${JSON.stringify(LOGGER)};
for (let r = 0; r < 3; r++) {
  const log = makeLogger({
    files: false,
    runName: 'run-' + r,
    mlflow: { trackingUri: ${JSON.stringify(uri)}, experimentName: 'seg', queueDir: ${JSON.stringify(queueDir)}, token: ${JSON.stringify(TOKEN)}, retry: false },
  });
  log.logParams({ lr: 0.1 * (r + 1), arch: 'unet' });
  for (let step = 0; step < 5; step++) log.logMetrics({ loss: 1 / (step + 1 + r) }, step);
  console.log(JSON.stringify(await log.end()));
}
`,
    );
    const { stdout } = await exec(TSX, [script], { cwd: dir });
    const results = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pending: number });
    expect(results.map((r) => r.pending > 0)).toEqual([true, true, true]);

    server = await startTestServer({
      PORT: String(port),
      CAIRN_ADMIN_PASSWORD: 'logger-test-pw',
      CAIRN_ADMIN_TOKEN: TOKEN,
    });
    const created = await createRepo(server.url, TOKEN, { name: 'training', private: true });
    expect(created.status).toBeLessThan(300);

    expect(await deliverQueue(queueDir, { token: TOKEN })).toMatchObject({ pending: 0, failed: 0 });
    expect(await deliverQueue(queueDir, { token: TOKEN })).toMatchObject({ delivered: 0, pending: 0 });

    const api = (p: string, body: unknown) =>
      fetch(`${uri}/api/2.0/mlflow/${p}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const experiment = (await fetch(`${uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=seg`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    }).then((r) => r.json())) as { experiment: { experiment_id: string } };
    const found = (await api('runs/search', { experiment_ids: [experiment.experiment.experiment_id] })) as {
      runs: Array<{
        info: { run_name: string; status: string; run_id: string };
        data: { params: Array<{ key: string; value: string }> };
      }>;
    };
    expect(found.runs.map((r) => r.info.run_name).sort()).toEqual(['run-0', 'run-1', 'run-2']);
    for (const r of found.runs) {
      const i = Number(r.info.run_name.slice(4));
      expect(r.info.status).toBe('FINISHED');
      expect(Object.fromEntries(r.data.params.map((p) => [p.key, p.value]))).toEqual({
        lr: String(0.1 * (i + 1)),
        arch: 'unet',
      });
      const history = (await fetch(
        `${uri}/api/2.0/mlflow/metrics/get-history?run_id=${r.info.run_id}&metric_key=loss`,
        { headers: { Authorization: `Bearer ${TOKEN}` } },
      ).then((res) => res.json())) as { metrics: Array<{ step: number; value: number }> };
      expect(history.metrics.map((m) => [m.step, m.value])).toEqual([0, 1, 2, 3, 4].map((s) => [s, 1 / (s + 1 + i)]));
    }
  });
});
