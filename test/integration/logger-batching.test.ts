/**
 * @cairn/logger against the real sync server, through a counting proxy: a training loop of
 * 1,000 steps × 5 metrics reaches the server in a handful of requests, and its whole history
 * arrives once — also when the answer to a batch is lost after the server stored it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../../packages/logger/src/index.ts';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TOKEN = 'cairn_logger_batch_test_token_0001';
const KEYS = ['loss', 'acc', 'lr', 'grad_norm', 'val/loss'] as const;

interface Proxy {
  url: string;
  /** MLflow endpoint names of the requests that went through, in order. */
  requests: string[];
  /** Endpoints whose next answer is thrown away after the server handled the request. */
  dropAnswerOf: Set<string>;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const requests: string[] = [];
  const dropAnswerOf = new Set<string>();
  const server = http.createServer((req, res) => {
    const endpoint = (req.url ?? '').replace(/^.*\/api\/2\.0\/mlflow\//, '').replace(/\?.*$/, '');
    requests.push(endpoint);
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        if (dropAnswerOf.delete(endpoint)) {
          req.socket.destroy(); // stored by the server, but the client never hears back
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        res.end(Buffer.concat(chunks));
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    dropAnswerOf,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('the logger sends in batches', () => {
  let server: TestServer;
  let proxy: Proxy;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-logger-batch-'));

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'logger-batch-pw', CAIRN_ADMIN_TOKEN: TOKEN });
    const created = await createRepo(server.url, TOKEN, { name: 'batches', private: true });
    expect(created.status).toBeLessThan(300);
    proxy = await startProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = async (uri: string, endpoint: string, query: Record<string, string>) => {
    const res = await fetch(`${uri}/api/2.0/mlflow/${endpoint}?${new URLSearchParams(query)}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  /** The runs of the `batching` experiment with this name. */
  async function runsNamed(name: string) {
    const base = `${server.url}/admin/batches.mlflow`;
    const exp = (await get(base, 'experiments/get-by-name', { experiment_name: 'batching' })) as {
      experiment: { experiment_id: string };
    };
    const found = (await get(base, 'runs/search', {
      experiment_ids: exp.experiment.experiment_id,
      filter: `attributes.run_name = '${name}'`,
    })) as { runs?: Array<{ info: { run_id: string; status: string }; data: { params?: unknown[] } }> };
    return found.runs ?? [];
  }

  /** Every metric's history on the server, as [step, value] pairs. */
  async function histories(uri: string, runId: string) {
    const out: Record<string, Array<[number, number]>> = {};
    for (const key of KEYS) {
      const r = (await get(uri, 'metrics/get-history', { run_id: runId, metric_key: key })) as {
        metrics: Array<{ step: number; value: number }>;
      };
      out[key] = r.metrics.map((m) => [m.step, m.value]);
    }
    return out;
  }

  const pointValue = (key: (typeof KEYS)[number], step: number) => (KEYS.indexOf(key) + 1) * 1000 + step / 8;
  const expected = (steps: number) =>
    Object.fromEntries(KEYS.map((k) => [k, Array.from({ length: steps }, (_, s) => [s, pointValue(k, s)])]));

  it('1,000 steps × 5 metrics: a handful of requests, the full history once', async () => {
    const uri = `${proxy.url}/admin/batches.mlflow`;
    const log = makeLogger({
      files: false,
      runName: 'long-loop',
      mlflow: { trackingUri: uri, experimentName: 'batching', queueDir: path.join(dir, 'q1'), token: TOKEN },
    });
    log.logParams({ optimizer: 'adam', layers: 4 });
    for (let step = 0; step < 1000; step++) {
      log.logMetrics(Object.fromEntries(KEYS.map((k) => [k, pointValue(k, step)])), step);
    }
    const before = proxy.requests.length;
    expect(await log.end()).toMatchObject({ pending: 0, failed: 0, stoppedBy: null });
    const sent = proxy.requests.slice(before);
    // 5,000 points in batches of ≤1000, plus finding the experiment, creating the run, ending it.
    expect(sent.filter((e) => e === 'runs/log-batch').length).toBeLessThanOrEqual(6);
    expect(sent.length).toBeLessThanOrEqual(12);

    const found = await runsNamed('long-loop');
    expect(found).toHaveLength(1);
    const run = found[0]!;
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toHaveLength(2);
    expect(await histories(`${server.url}/admin/batches.mlflow`, run.info.run_id)).toEqual(expected(1000));
  }, 120_000);

  it('a batch stored but never answered is not stored twice, and what was logged meanwhile arrives', async () => {
    const uri = `${proxy.url}/admin/batches.mlflow`;
    const queueDir = path.join(dir, 'q2');
    const log = makeLogger({
      files: false,
      runName: 'lost-answer',
      mlflow: { trackingUri: uri, experimentName: 'batching', queueDir, token: TOKEN, retry: false },
    });
    for (let step = 0; step < 300; step++) {
      log.logMetrics(Object.fromEntries(KEYS.map((k) => [k, pointValue(k, step)])), step);
    }
    proxy.dropAnswerOf.add('runs/log-batch');
    const first = await log.flush();
    expect(first?.stoppedBy).toBeTruthy();
    expect(proxy.dropAnswerOf.size).toBe(0);
    for (let step = 300; step < 400; step++) {
      log.logMetrics(Object.fromEntries(KEYS.map((k) => [k, pointValue(k, step)])), step);
    }
    expect(await log.end()).toMatchObject({ pending: 0, failed: 0, stoppedBy: null });
    const found = await runsNamed('lost-answer');
    expect(found).toHaveLength(1);
    expect(await histories(`${server.url}/admin/batches.mlflow`, found[0]!.info.run_id)).toEqual(expected(400));
  }, 120_000);
});
