import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDagshubMetrics, parseDirManifest, parseDvcFile, parseDvcLock, parseDvcYaml } from '@cairn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The demo seeded on first start, checked as a user would: cloned anonymously with the real
 * `git` CLI (it is public), its history and pipeline files read with Cairn's parsers, and every
 * DVC object of every commit fetched from the server's DVC remote and re-hashed.
 */

let server: TestServer;
let work: string;
let clone: string;

async function git(args: string[], cwd?: string): Promise<string> {
  const r = await runGit(args, { home: work, cwd });
  if (r.code !== 0) throw new Error(`git ${args[0]}: ${r.out}`);
  return r.stdout;
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

async function remoteObject(oid: string): Promise<Uint8Array> {
  const res = await fetch(`${server.url}/demo/segmentation.dvc/files/md5/${oid.slice(0, 2)}/${oid.slice(2)}`);
  expect(res.status, `object ${oid}`).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

/** Fetches an entry's object(s) from the remote and checks hash, size and file count. */
async function expectInRemote(entry: { md5?: string; size?: number; nfiles?: number }): Promise<number> {
  const oid = entry.md5 as string;
  const bytes = await remoteObject(oid);
  expect(md5(bytes)).toBe(oid.replace(/\.dir$/, ''));
  if (!oid.endsWith('.dir')) {
    expect(bytes.length).toBe(entry.size);
    return 1;
  }
  const manifest = parseDirManifest(new TextDecoder().decode(bytes));
  if (!manifest.ok) throw new Error(`bad manifest ${oid}`);
  expect(manifest.value.length).toBe(entry.nfiles);
  let total = 0;
  for (const file of manifest.value) {
    const content = await remoteObject(file.md5);
    expect(md5(content)).toBe(file.md5);
    total += content.length;
  }
  expect(total).toBe(entry.size);
  return 1 + manifest.value.length;
}

beforeAll(async () => {
  server = await startTestServer({
    CAIRN_ADMIN_PASSWORD: 'admin-password-demo',
    CAIRN_ADMIN_TOKEN: 'cairn_test_admin_token_demo_0001',
    CAIRN_DEMO: '1',
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-demo-test-'));
  clone = path.join(work, 'segmentation');
  await git(['clone', '--quiet', `${server.url}/demo/segmentation.git`, clone]);
});

afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const read = (rel: string) => fs.readFileSync(path.join(clone, rel), 'utf8');
async function showAt(commit: string, rel: string): Promise<string> {
  return git(['show', `${commit}:${rel}`], clone);
}

describe('the demo repository demo/segmentation', () => {
  it('has a history of at least 6 commits, with params, metrics and the notebook changing', async () => {
    const log = (await git(['log', '--format=%H', 'main'], clone)).trim().split('\n');
    expect(log.length).toBeGreaterThanOrEqual(6);
    for (const file of ['params.yml', 'metrics.csv', 'notebooks/exploration.ipynb', 'dvc.lock']) {
      const touching = (await git(['log', '--format=%H', '--', file], clone)).trim().split('\n');
      expect(touching.length, file).toBeGreaterThanOrEqual(2);
      const versions = new Set(await Promise.all(touching.map((c) => showAt(c, file))));
      expect(versions.size, `${file} versions`).toBe(touching.length);
    }
  });

  it('clones with main checked out, the default branch the API names', async () => {
    expect((await git(['symbolic-ref', '--short', 'HEAD'], clone)).trim()).toBe('main');
    expect(fs.existsSync(path.join(clone, 'params.yml'))).toBe(true);
    const repo = (await (await fetch(`${server.url}/api/v1/repos/demo/segmentation`)).json()) as {
      defaultBranch: string | null;
    };
    expect(repo.defaultBranch).toBe('main');
  });

  it('is a well-formed git repository (git fsck --strict)', async () => {
    await git(['fsck', '--strict', '--no-progress'], clone);
  });

  it('has a 3-stage pipeline prepare → train → evaluate whose lock matches the tracked data', () => {
    const yaml = parseDvcYaml(read('dvc.yaml'));
    if (!yaml.ok) throw new Error(JSON.stringify(yaml.error));
    expect(Object.keys(yaml.value.stages)).toEqual(['prepare', 'train', 'evaluate']);
    const lock = parseDvcLock(read('dvc.lock'));
    if (!lock.ok) throw new Error(JSON.stringify(lock.error));
    expect(Object.keys(lock.value.stages)).toEqual(['prepare', 'train', 'evaluate']);
    const prepare = lock.value.stages.prepare!;
    const csvDvc = parseDvcFile(read('data/raw/annotations.csv.dvc'));
    const imagesDvc = parseDvcFile(read('data/raw/images.dvc'));
    if (!csvDvc.ok || !imagesDvc.ok) throw new Error('bad .dvc file');
    expect(prepare.deps.find((d) => d.path === 'data/raw/annotations.csv')?.md5).toBe(csvDvc.value.outs[0]?.md5);
    expect(prepare.deps.find((d) => d.path === 'data/raw/images')?.md5).toBe(imagesDvc.value.outs[0]?.md5);
    expect(imagesDvc.value.outs[0]?.md5).toMatch(/^[0-9a-f]{32}\.dir$/);
    // Outputs flow: prepare's output is train's input, train's model is evaluate's input.
    expect(lock.value.stages.train!.deps[0]?.md5).toBe(prepare.outs[0]?.md5);
    expect(lock.value.stages.evaluate!.deps[0]?.md5).toBe(lock.value.stages.train!.outs[0]?.md5);
    // Files kept in git hash in the lock as DVC would hash them.
    const metricsOut = lock.value.stages.evaluate!.outs.find((o) => o.path === 'metrics.json');
    expect(metricsOut?.md5).toBe(md5(fs.readFileSync(path.join(clone, 'metrics.json'))));
    const trainScript = lock.value.stages.train!.deps.find((d) => d.path === 'src/train.py');
    expect(trainScript?.md5).toBe(md5(fs.readFileSync(path.join(clone, 'src/train.py'))));
  });

  it('writes metrics.csv as the DagsHub logger does (LF header, CRLF rows, quoted names, ms timestamps)', () => {
    const text = read('metrics.csv');
    expect(text.startsWith('Name,Value,Timestamp,Step\n"')).toBe(true);
    const parsed = parseDagshubMetrics(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(parsed.value.style).toBe('quoted');
    expect(parsed.value.rowEnding).toBe('\r\n');
    expect(new Set(parsed.value.rows.map((r) => r.name))).toEqual(new Set(['train_loss', 'val_loss', 'val_iou']));
    expect(parsed.value.rows[0]?.timestamp).toBeGreaterThan(1.7e12);
  });

  it('has every DVC object of every commit in the remote, with the right hash', async () => {
    const log = (await git(['log', '--format=%H', 'main'], clone)).trim().split('\n');
    const checked = new Set<string>();
    let objects = 0;
    for (const commit of log) {
      const files = (await git(['ls-tree', '-r', '--name-only', commit], clone)).trim().split('\n');
      const entries: Array<{ md5?: string; size?: number; nfiles?: number }> = [];
      for (const f of files.filter((f) => f.endsWith('.dvc'))) {
        const parsed = parseDvcFile(await showAt(commit, f), f);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
        entries.push(...parsed.value.outs);
      }
      if (files.includes('dvc.lock')) {
        const lock = parseDvcLock(await showAt(commit, 'dvc.lock'));
        if (!lock.ok) throw new Error(JSON.stringify(lock.error));
        // metrics.json is `cache: false` in dvc.yaml: in git, not in the remote.
        for (const stage of Object.values(lock.value.stages))
          entries.push(...stage.outs.filter((o) => o.path !== 'metrics.json'));
      }
      for (const e of entries) {
        if (checked.has(e.md5 as string)) continue;
        checked.add(e.md5 as string);
        objects += await expectInRemote(e);
      }
    }
    expect(checked.size).toBeGreaterThanOrEqual(8);
    expect(objects).toBeGreaterThan(100);
  });

  it('has 30+ MLflow runs with metric histories of a few hundred steps', async () => {
    const mlflow = `${server.url}/demo/segmentation.mlflow/api/2.0/mlflow`;
    const exps = (await (
      await fetch(`${mlflow}/experiments/search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ max_results: 100 }),
      })
    ).json()) as { experiments: Array<{ experiment_id: string; name: string }> };
    const ids = exps.experiments.map((e) => e.experiment_id);
    const found = (await (
      await fetch(`${mlflow}/runs/search`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ experiment_ids: ids, max_results: 1000 }),
      })
    ).json()) as { runs: Array<{ info: { run_id: string; experiment_id: string } }> };
    expect(found.runs.length).toBeGreaterThanOrEqual(30);
    const sweepId = exps.experiments.find((e) => e.name === 'unet-sweep')?.experiment_id;
    const sweepRun = found.runs.find((r) => r.info.experiment_id === sweepId)?.info.run_id as string;
    const history = (await (
      await fetch(`${mlflow}/metrics/get-history?run_id=${sweepRun}&metric_key=val_iou&max_results=25000`)
    ).json()) as { metrics: Array<{ step: number | string }> };
    expect(history.metrics.length).toBeGreaterThanOrEqual(200);
    expect(new Set(history.metrics.map((m) => Number(m.step))).size).toBe(history.metrics.length);
  });
});
