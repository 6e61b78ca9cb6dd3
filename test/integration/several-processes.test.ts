/**
 * Three Cairn processes behind HAProxy on one PostgreSQL and one Ceph RADOS Gateway, sharing the
 * git repositories' folder (issue 15): what a team's clients do — git push and clone, `cairn push`
 * and `cairn pull`, an MLflow session with the npm client, signing in and using tokens, a live
 * note co-edited through two processes — all
 * through the load balancer, each session's requests spread over more than one process (HAProxy's
 * own counters say who served what), and every answer the same whichever process gives it.
 * Skipped with one line per missing engine (PostgreSQL, Ceph, HAProxy) unless CI requires them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MLflow from 'mlflow';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCairn } from '../../packages/cli/src/testing/run-cairn.ts';
import { type Cluster, clusterAvailable, objectsNotMatchingTheirNames, startCluster } from '../support/cluster.ts';
import { createRepo } from '../support/create-repo.ts';
import { runGit } from '../support/git-cli.ts';
import { type BackendStats, requestsBetween } from '../support/haproxy.ts';
import { waitFor, yClient } from './yjs-clients.ts';

const ADMIN_TOKEN = 'cairn_test_admin_token_cluster_01';
const ADMIN_PASSWORD = 'cluster-admin-password';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const json = { 'Content-Type': 'application/json' };

// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON, untyped.
type Json = any;

describe.runIf(clusterAvailable())('three processes behind HAProxy on PostgreSQL and S3', () => {
  let cluster: Cluster;
  let tmp: string;

  /** Runs `work` and returns how many requests each process served meanwhile. */
  const served = async (work: () => Promise<void>): Promise<Record<string, number>> => {
    const before: BackendStats[] = await cluster.lb.stats();
    await work();
    return requestsBetween(before, await cluster.lb.stats());
  };
  const processesUsed = (counts: Record<string, number>) => Object.values(counts).filter((n) => n > 0).length;

  beforeAll(async () => {
    cluster = await startCluster({
      processes: 3,
      env: { CAIRN_ADMIN_PASSWORD: ADMIN_PASSWORD, CAIRN_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cluster-clients-'));
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }, 120_000);

  it('a session signed in on one process, and a token made on another, work on every process; signing out ends it everywhere', async () => {
    const [a, b, c] = cluster.backends.map((s) => s.url) as [string, string, string];
    const signIn = await fetch(`${a}/api/v1/session`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(signIn.status).toBe(201);
    const session = ((await signIn.json()) as { token: string }).token;

    const made = await fetch(`${b}/api/v1/user/tokens`, {
      method: 'POST',
      headers: { ...bearer(session), ...json },
      body: JSON.stringify({ name: 'laptop' }),
    });
    expect(made.status).toBe(201);
    const token = ((await made.json()) as { token: string }).token;

    for (const url of [a, b, c]) {
      for (const secret of [session, token]) {
        const me = await fetch(`${url}/api/v1/user`, { headers: bearer(secret) });
        expect(me.status, `${url} with ${secret === session ? 'the session' : 'the token'}`).toBe(200);
        expect(((await me.json()) as { username: string }).username).toBe('admin');
      }
    }

    expect((await fetch(`${c}/api/v1/session`, { method: 'DELETE', headers: bearer(session) })).status).toBe(204);
    for (const url of [a, b, c]) {
      expect((await fetch(`${url}/api/v1/user`, { headers: bearer(session) })).status).toBe(401);
      expect((await fetch(`${url}/api/v1/user`, { headers: bearer(token) })).status).toBe(200);
    }
  });

  it('git push and git clone through the load balancer give back the same history, served by several processes', async () => {
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'code', private: true })).status).toBe(201);
    const home = path.join(tmp, 'git-home');
    fs.mkdirSync(home, { recursive: true });
    const work = path.join(tmp, 'code');
    fs.mkdirSync(work);
    const remote = `${cluster.url.replace('://', `://admin:${ADMIN_TOKEN}@`)}/admin/code.git`;
    const git = async (cwd: string, ...args: string[]) => {
      const r = await runGit(args, { home, cwd });
      expect(r.code, r.out).toBe(0);
      return r.stdout.trim();
    };
    await git(work, 'init', '-q', '-b', 'main');
    for (let i = 0; i < 5; i++) {
      fs.writeFileSync(path.join(work, `step-${i}.py`), `print(${i})\n`.repeat(100 + i));
      await git(work, 'add', '.');
      await git(work, 'commit', '-q', '-m', `step ${i}`);
    }
    const head = await git(work, 'rev-parse', 'HEAD');

    const counts = await served(async () => {
      await git(work, 'push', '-q', remote, 'main');
      await git(tmp, 'clone', '-q', remote, 'code-clone');
    });
    const clone = path.join(tmp, 'code-clone');
    expect(await git(clone, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(clone, 'log', '--format=%s')).toBe('step 4\nstep 3\nstep 2\nstep 1\nstep 0');
    expect(fs.readFileSync(path.join(clone, 'step-3.py'), 'utf8')).toBe('print(3)\n'.repeat(103));
    expect(processesUsed(counts), JSON.stringify(counts)).toBeGreaterThan(1);
  });

  it('two pushes to one repository through two processes take turns: the second waits for the first to finish', async () => {
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'turns', private: true })).status).toBe(201);
    const home = path.join(tmp, 'git-home');
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    const repoId = Number((await db.query(`SELECT id FROM repositories WHERE name = 'turns'`)).rows[0]?.id);
    await db.end();
    expect(repoId).toBeGreaterThan(0);
    // A pre-receive hook that takes a second and notes when it ran: two pushes that overlapped in
    // the repository would show two starts before an end.
    const hookLog = path.join(tmp, 'hook.log');
    const hook = path.join(cluster.dataDir, 'git', `${repoId}.git`, 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      `#!/bin/sh\ncat >/dev/null\necho start >> '${hookLog}'\nsleep 1\necho end >> '${hookLog}'\n`,
      { mode: 0o755 },
    );
    const clones = ['one', 'two'].map((name) => path.join(tmp, `turns-${name}`));
    for (const [i, dir] of clones.entries()) {
      fs.mkdirSync(dir);
      await runGit(['init', '-q', '-b', `branch-${i}`], { home, cwd: dir });
      fs.writeFileSync(path.join(dir, 'f.txt'), `${i}\n`);
      await runGit(['add', '.'], { home, cwd: dir });
      await runGit(['commit', '-q', '-m', `from ${i}`], { home, cwd: dir });
    }
    // Each push straight to its own process, so two different processes write one repository.
    const pushes = await Promise.all(
      clones.map((dir, i) => {
        const url = `${cluster.backends[i]?.url.replace('://', `://admin:${ADMIN_TOKEN}@`)}/admin/turns.git`;
        return runGit(['push', '-q', url, `branch-${i}`], { home, cwd: dir });
      }),
    );
    for (const p of pushes) expect(p.code, p.out).toBe(0);
    expect(fs.readFileSync(hookLog, 'utf8').trim().split('\n')).toEqual(['start', 'end', 'start', 'end']);
    fs.rmSync(hook);
  });

  it('cairn push and cairn pull through the load balancer move identical bytes, stored under their hashes', async () => {
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'cells', private: true })).status).toBe(201);
    const repo = path.join(tmp, 'cells');
    fs.mkdirSync(path.join(repo, 'data/images'), { recursive: true });
    expect((await runGit(['init', '-q'], { home: path.join(tmp, 'git-home'), cwd: repo })).code).toBe(0);
    for (let i = 0; i < 24; i++) {
      fs.writeFileSync(path.join(repo, `data/images/img_${i}.bin`), Buffer.alloc(50_000 + i * 37, i));
    }
    expect((await runCairn(repo, 'init')).code).toBe(0);
    const added = await runCairn(repo, 'add', 'data');
    expect(added.code, added.stderr).toBe(0);
    fs.appendFileSync(
      path.join(repo, '.dvc/config'),
      `[core]\n    remote = origin\n['remote "origin"']\n    url = ${cluster.url}/admin/cells.dvc\n`,
    );
    fs.writeFileSync(
      path.join(repo, '.dvc/config.local'),
      `['remote "origin"']\n    auth = basic\n    user = admin\n    password = ${ADMIN_TOKEN}\n`,
    );
    const before = fs.readFileSync(path.join(repo, 'data/images/img_17.bin'));

    const counts = await served(async () => {
      const pushed = await runCairn(repo, 'push');
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stdout.trim()).toBe('25 files pushed'); // 24 files + the .dir manifest
      fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true, force: true });
      fs.rmSync(path.join(repo, 'data'), { recursive: true, force: true });
      const pulled = await runCairn(repo, 'pull');
      expect(pulled.code, pulled.stderr).toBe(0);
    });
    expect(fs.readFileSync(path.join(repo, 'data/images/img_17.bin')).equals(before)).toBe(true);
    expect(fs.readdirSync(path.join(repo, 'data/images'))).toHaveLength(24);
    expect(processesUsed(counts), JSON.stringify(counts)).toBeGreaterThan(1);

    const { checked, mismatched } = await objectsNotMatchingTheirNames(cluster);
    expect(checked).toBeGreaterThanOrEqual(25);
    expect(mismatched).toEqual([]);
  });

  it('an MLflow session with the npm client through the load balancer reads back alike from every process', async () => {
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'seg', private: true })).status).toBe(201);
    const base = `${cluster.url}/admin/seg.mlflow`;
    const ids: string[] = [];
    let experimentId = '';
    const counts = await served(async () => {
      // The client console.logs every POST body.
      const quiet = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        // biome-ignore lint/suspicious/noExplicitAny: the client's typings demand fields MLflow makes optional.
        const client = new MLflow({ endpoint: base, headers: bearer(ADMIN_TOKEN) }) as any;
        experimentId = (await client.Experiments.create({ name: 'unet' })).experiment_id;
        for (let i = 0; i < 6; i++) {
          const tags = [{ key: 'mlflow.runName', value: `run-${i}` }];
          const runId = (await client.Runs.create({ experiment_id: experimentId, start_time: 1000 + i, tags })).run.info
            .run_id;
          ids.push(runId);
          await client.Runs.logBatch({
            run_id: runId,
            metrics: Array.from({ length: 20 }, (_, step) => ({
              key: 'loss',
              value: 1 / (step + 1 + i),
              timestamp: 5000 + step,
              step,
            })),
            params: [{ key: 'lr', value: String(0.001 * (i + 1)) }],
            tags: [{ key: 'team', value: 'vision' }],
          });
          await client.Runs.update({ run_id: runId, status: 'FINISHED', end_time: 2000 + i });
        }
      } finally {
        quiet.mockRestore();
      }
    });
    expect(processesUsed(counts), JSON.stringify(counts)).toBeGreaterThan(1);

    const answers: Json[] = [];
    for (const backend of cluster.backends) {
      const res = await fetch(`${backend.url}/admin/seg.mlflow/api/2.0/mlflow/runs/search`, {
        method: 'POST',
        headers: { ...bearer(ADMIN_TOKEN), ...json },
        body: JSON.stringify({ experiment_ids: [experimentId], order_by: ['metrics.loss ASC'] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      answers.push(
        body.runs.map((r: Json) => [
          r.info.run_name,
          r.info.status,
          r.data.params.find((p: Json) => p.key === 'lr')?.value,
          r.data.metrics.find((m: Json) => m.key === 'loss')?.value,
        ]),
      );
    }
    // Lowest last loss first: run-5's last step is 1/(19+1+5).
    expect(answers[0]).toEqual(
      [5, 4, 3, 2, 1, 0].map((i) => [`run-${i}`, 'FINISHED', String(0.001 * (i + 1)), 1 / (20 + i)]),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(ids).toHaveLength(6);
  });

  it('one live note edited through two different processes, and a third client through the balancer, converges', async () => {
    expect((await createRepo(cluster.url, ADMIN_TOKEN, { name: 'notes', private: true })).status).toBe(201);
    const [one, two] = cluster.backends.map((b) => b.url) as [string, string];
    const a = yClient(one, 'admin', 'notes', 'plan', ADMIN_TOKEN);
    const b = yClient(two, 'admin', 'notes', 'plan', ADMIN_TOKEN);
    // A WebSocket through HAProxy (its tunnel timeout), to whichever process it picks.
    const c = yClient(cluster.url, 'admin', 'notes', 'plan', ADMIN_TOKEN);
    try {
      await waitFor('all clients synced', () => a.provider.synced && b.provider.synced && c.provider.synced);
      a.doc.getText('t').insert(0, 'from one. ');
      await waitFor('the edit made on one to reach two', () => b.text() === 'from one. ');
      b.doc.getText('t').insert(b.text().length, 'from two.');
      await waitFor('the edit made on two to reach one', () => a.text() === 'from one. from two.');
      c.doc.getText('t').insert(0, '[c]');
      await waitFor(
        'all three to converge',
        () => a.text() === b.text() && b.text() === c.text() && a.text().length === 22,
      );
      expect(a.text()).toBe('[c]from one. from two.');
    } finally {
      a.destroy();
      b.destroy();
      c.destroy();
    }
  });
});
