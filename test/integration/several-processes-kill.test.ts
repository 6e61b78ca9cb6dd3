/**
 * kill -9 of one of three Cairn processes behind HAProxy in the middle of a DVC push, an MLflow
 * log-batch and a git push (issue 15, reliability): the client's retry through the load balancer
 * succeeds, nothing half-written is ever visible (no object under its name before its bytes all
 * arrived, no part of a batch, no ref to a pack that did not arrive), and every stored object
 * hashes to its name. The process serving the request is found from its own /metrics (an upload,
 * a request or a git process in progress), killed, and started again before the next case.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, clusterAvailable, objectsNotMatchingTheirNames, startCluster } from '../support/cluster.ts';
import { createRepo } from '../support/create-repo.ts';
import { basicAuth, md5Of, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { startSlowLink } from '../support/slow-link.ts';

const ADMIN_TOKEN = 'cairn_test_admin_token_cluster_k1';
const AUTH = basicAuth('admin', ADMIN_TOKEN);

// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON, untyped.
type Json = any;

/** A request whose body is sent in two parts, the second only when the test says so. */
function twoPartRequest(url: string, method: string, headers: Record<string, string>, first: Buffer, rest: Buffer) {
  let sendRest = () => {};
  const outcome = new Promise<{ status: number } | { error: string }>((resolve) => {
    const req = http.request(
      url,
      { method, headers: { ...headers, 'Content-Length': String(first.length + rest.length) }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolve({ error: String(err) }));
      },
    );
    req.on('error', (err) => resolve({ error: String(err) }));
    req.write(first);
    sendRest = () => {
      if (!req.destroyed) req.end(rest);
    };
  });
  return { outcome, sendRest: () => sendRest() };
}

/** One value of a process's /metrics (summed over labels), read from the process itself. */
async function metricOf(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

/** The index of the process whose `metric` reaches `atLeast` (waits for it; fails after `timeoutMs`). */
async function processWith(cluster: Cluster, metric: string, atLeast: number, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const values = await Promise.all(cluster.backends.map((b) => metricOf(b.url, metric)));
    const busy = values.flatMap((v, i) => (v >= atLeast ? [i] : []));
    if (busy.length === 1) return busy[0] as number;
    if (Date.now() > until) throw new Error(`no single process with ${metric} ≥ ${atLeast}: ${values.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A client's retry: the same request again, a few times, until it is answered with success. */
async function retried<T>(attempt: () => Promise<T>, ok: (r: T) => boolean, tries = 5): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    last = await attempt();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return last as T;
}

describe.runIf(clusterAvailable())('kill -9 of one of three processes behind HAProxy, mid-request', () => {
  let cluster: Cluster;
  let tmp: string;
  const killed: number[] = [];
  const kill = async (i: number) => {
    killed.push(i);
    await cluster.kill(i);
  };

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 3,
      env: { CAIRN_ADMIN_PASSWORD: 'cluster-kill-password', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cluster-kill-'));
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'proj', private: true })).status).toBe(201);
  }, 300_000);
  // Whatever a case did, the next one starts with three processes.
  afterEach(async () => {
    for (const i of killed.splice(0)) await cluster.restart(i);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it('a DVC push cut by kill -9: the object is absent until the retry stores it whole', async () => {
    const bytes = randomBytes(24 * 1024 * 1024);
    const md5 = md5Of(bytes);
    const url = `${cluster.url}/admin/proj.dvc/${v3Path(md5)}`;
    const upload = twoPartRequest(
      url,
      'PUT',
      { Authorization: AUTH },
      bytes.subarray(0, 8 << 20),
      bytes.subarray(8 << 20),
    );
    const victim = await processWith(cluster, 'cairn_dvc_uploads_in_progress', 1);
    await kill(victim);
    upload.sendRest();
    const cut = await upload.outcome;
    expect('error' in cut || cut.status >= 500, JSON.stringify(cut)).toBe(true);

    // Nothing under its name: not readable, and reported missing.
    expect((await fetch(url, { headers: { Authorization: AUTH } })).status).toBe(404);
    const missing = await fetch(`${cluster.url}/admin/proj.dvc/missing`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [md5] }),
    });
    expect(await missing.json()).toEqual({ missing: [md5] });

    const retry = await retried(
      () =>
        fetch(url, { method: 'PUT', headers: { Authorization: AUTH }, body: new Uint8Array(bytes) }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      (status) => status === 200 || status === 201,
    );
    expect([200, 201]).toContain(retry);
    const back = Buffer.from(await (await fetch(url, { headers: { Authorization: AUTH } })).arrayBuffer());
    expect(md5Of(back)).toBe(md5);

    const { checked, mismatched } = await objectsNotMatchingTheirNames(cluster);
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(mismatched).toEqual([]);
  }, 180_000);

  it('an MLflow log-batch cut by kill -9: none of it is stored, the retry stores all of it once', async () => {
    const base = `${cluster.url}/admin/proj.mlflow/api/2.0/mlflow`;
    const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
    const post = async (endpoint: string, body: unknown) => {
      const r = await fetch(`${base}/${endpoint}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Json };
    };
    const exp = await post('experiments/create', { name: 'kill' });
    expect(exp.status).toBe(200);
    const run = await post('runs/create', { experiment_id: exp.body.experiment_id, start_time: 1 });
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id as string;
    const batch = {
      run_id: runId,
      metrics: Array.from({ length: 900 }, (_, step) => ({
        key: 'loss',
        value: 1 / (step + 1),
        timestamp: 10 + step,
        step,
      })),
      params: [{ key: 'epochs', value: '900' }],
    };
    const body = Buffer.from(JSON.stringify(batch));
    const history = async () => {
      const r = await fetch(`${base}/metrics/get-history?run_id=${runId}&metric_key=loss`, { headers });
      expect(r.status).toBe(200);
      return ((await r.json()) as Json).metrics ?? [];
    };

    const logging = twoPartRequest(
      `${base}/runs/log-batch`,
      'POST',
      headers,
      body.subarray(0, body.length >> 1),
      body.subarray(body.length >> 1),
    );
    // In flight on one process: this request and the /metrics request that reads it.
    const victim = await processWith(cluster, 'cairn_http_requests_in_flight', 2);
    await kill(victim);
    logging.sendRest();
    const cut = await logging.outcome;
    expect('error' in cut || cut.status >= 500, JSON.stringify(cut)).toBe(true);
    expect(await history()).toEqual([]);

    const retry = await retried(
      () => fetch(`${base}/runs/log-batch`, { method: 'POST', headers, body }).then((r) => r.status),
      (status) => status === 200,
    );
    expect(retry).toBe(200);
    expect((await history()).map((m: Json) => m.step)).toEqual(Array.from({ length: 900 }, (_, i) => i));
    // A retry of a batch that was stored (its answer lost) adds nothing.
    expect((await fetch(`${base}/runs/log-batch`, { method: 'POST', headers, body })).status).toBe(200);
    expect(await history()).toHaveLength(900);
  }, 180_000);

  it('a git push cut by kill -9 updates no ref; the retry pushes it, and the repository checks clean', async () => {
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'code', private: true })).status).toBe(201);
    const home = path.join(tmp, 'git-home');
    fs.mkdirSync(home, { recursive: true });
    const work = path.join(tmp, 'code');
    fs.mkdirSync(work);
    const git = async (cwd: string, ...args: string[]) => {
      const r = await runGit(args, { home, cwd });
      expect(r.code, r.out).toBe(0);
      return r.stdout.trim();
    };
    await git(work, 'init', '-q', '-b', 'main');
    // Random bytes do not compress: the pack is as large as the file.
    fs.writeFileSync(path.join(work, 'weights.bin'), randomBytes(16 * 1024 * 1024));
    await git(work, 'add', '.');
    await git(work, 'commit', '-q', '-m', 'weights');
    const head = await git(work, 'rev-parse', 'HEAD');

    // Through a 2 MB/s link to the balancer, so the pack is still arriving when its process dies.
    const slow = await startSlowLink(cluster.url, 2_000_000);
    const withToken = (u: string) => `${u.replace('://', `://admin:${ADMIN_TOKEN}@`)}/admin/code.git`;
    try {
      const pushing = runGit(['push', '-q', withToken(slow.url), 'main'], { home, cwd: work });
      // git first sends a small probe POST (which another process may answer), then the pack.
      while (slow.forwarded() < 4_000_000) await new Promise((r) => setTimeout(r, 100));
      const victim = await processWith(cluster, 'cairn_git_processes', 1);
      await kill(victim);
      const cut = await pushing;
      expect(cut.code, cut.out).not.toBe(0);
      const refs = await runGit(['ls-remote', withToken(cluster.url)], { home });
      expect(refs.code, refs.out).toBe(0);
      expect(refs.stdout.trim()).toBe('');
    } finally {
      await slow.close();
    }

    const retry = await retried(
      () => runGit(['push', '-q', withToken(cluster.url), 'main'], { home, cwd: work }),
      (r) => r.code === 0,
    );
    expect(retry.code, retry.out).toBe(0);
    await git(tmp, 'clone', '-q', withToken(cluster.url), 'code-clone');
    expect(await git(path.join(tmp, 'code-clone'), 'rev-parse', 'HEAD')).toBe(head);
    const weights = fs.readFileSync(path.join(tmp, 'code-clone', 'weights.bin'));
    expect(createHash('sha256').update(weights).digest('hex')).toBe(
      createHash('sha256')
        .update(fs.readFileSync(path.join(work, 'weights.bin')))
        .digest('hex'),
    );
    // The repository on the server: every object reachable and sound.
    const repos = fs.readdirSync(path.join(cluster.dataDir, 'git')).filter((d) => d.endsWith('.git'));
    for (const dir of repos)
      await git(path.join(cluster.dataDir, 'git', dir), 'fsck', '--full', '--strict', '--no-progress');
  }, 240_000);
});
