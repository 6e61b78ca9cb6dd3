/**
 * PostgreSQL restarted under load behind HAProxy (issue 15, reliability): while clients keep
 * logging MLflow metrics through the balancer to three processes, PostgreSQL is stopped and
 * started again. During the outage every request is answered 503 with `Retry-After` (never a 500,
 * never a dropped connection, no process dies); after it, requests succeed again; and every metric
 * point that was acknowledged (200) is in the run's history — nothing acknowledged is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, clusterAvailable, startCluster } from '../support/cluster.ts';
import { createRepo } from '../support/create-repo.ts';

const ADMIN_TOKEN = 'cairn_test_admin_token_cluster_pg1';
const CLIENTS = 4;

// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON, untyped.
type Json = any;

interface Answer {
  step: number;
  status: number | 'connection error';
  retryAfter: string | null;
  /** What a failure said (kept to show in an assertion's message). */
  error?: unknown;
  phase: 'before' | 'outage' | 'after';
}

describe.runIf(clusterAvailable())('PostgreSQL restarted under load behind HAProxy', () => {
  let cluster: Cluster;
  let mlflow: string;

  const call = async (p: string, body?: unknown) => {
    const res = await fetch(`${cluster.url}${mlflow}/${p}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Json };
  };

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 3,
      env: { CAIRN_ADMIN_PASSWORD: 'cluster-pg-restart-password', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'proj', private: true })).status).toBe(201);
    mlflow = '/admin/proj.mlflow/api/2.0/mlflow';
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it('answers 503 + Retry-After during the outage, recovers after it, and loses nothing acknowledged', async () => {
    const exp = await call('experiments/create', { name: 'restart' });
    expect(exp.status).toBe(200);
    const run = await call('runs/create', { experiment_id: exp.json.experiment_id, start_time: Date.now() });
    expect(run.status).toBe(200);
    const runId: string = run.json.run.info.run_id;

    let phase: Answer['phase'] = 'before';
    let nextStep = 0;
    let running = true;
    const answers: Answer[] = [];
    const client = async () => {
      while (running) {
        const step = nextStep++;
        const at = phase;
        try {
          const r = await call('runs/log-metric', {
            run_id: runId,
            key: 'loss',
            value: step,
            timestamp: Date.now(),
            step,
          });
          answers.push({
            step,
            status: r.status,
            retryAfter: r.retryAfter,
            phase: at,
            ...(r.status === 200 ? {} : { error: r.json }),
          });
        } catch {
          answers.push({ step, status: 'connection error', retryAfter: null, phase: at });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    const okSince = (n: number) => answers.slice(n).some((a) => a.status === 200);

    // Under load first, then PostgreSQL goes away for a while.
    await expect.poll(() => answers.filter((a) => a.status === 200).length, { timeout: 30_000 }).toBeGreaterThan(20);
    phase = 'outage';
    await cluster.pg.stopServer();
    const outageStart = answers.length;
    await expect
      .poll(() => answers.slice(outageStart).filter((a) => a.status === 503).length, { timeout: 30_000 })
      .toBeGreaterThan(10);
    await cluster.pg.startServer();
    phase = 'after';
    const afterStart = answers.length;
    await expect.poll(() => okSince(afterStart), { timeout: 60_000 }).toBe(true);
    const recovered = answers.length;
    await expect
      .poll(() => answers.slice(recovered).filter((a) => a.status === 200).length, { timeout: 30_000 })
      .toBeGreaterThan(20);
    running = false;
    await Promise.all(clients);

    // Every answer was a success or a 503 that says when to retry: no 500, no dropped connection.
    const other = answers.filter((a) => a.status !== 200 && !(a.status === 503 && Number(a.retryAfter) >= 1));
    expect(other, JSON.stringify(other.slice(0, 5))).toEqual([]);
    expect(answers.some((a) => a.phase === 'outage' && a.status === 503)).toBe(true);
    // Once PostgreSQL was back, requests stopped failing for good.
    const lastFailure = Math.max(...answers.map((a, i) => (a.status === 200 ? -1 : i)));
    expect(answers.slice(lastFailure + 1).filter((a) => a.status === 200).length).toBeGreaterThan(20);

    // Nothing acknowledged is lost: every step answered 200 is in the history (read from every process).
    const acknowledged = answers.filter((a) => a.status === 200).map((a) => a.step);
    for (const backend of cluster.backends) {
      const res = await fetch(`${backend.url}${mlflow}/metrics/get-history?run_id=${runId}&metric_key=loss`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(res.status).toBe(200);
      const stored = new Set(((await res.json()) as Json).metrics.map((m: Json) => Number(m.step)));
      expect(acknowledged.filter((s) => !stored.has(s))).toEqual([]);
    }
    // And no process died on the way.
    for (const backend of cluster.backends) expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
  }, 240_000);
});
