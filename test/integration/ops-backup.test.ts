import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { basicAuth, md5Of, v2Path, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * `cairn-server backup` of a running server's folder, the folder wiped, `cairn-server restore`
 * into an empty one and a new server started on it: every ref, commit, DVC object, MLflow run
 * and artifact reads back identical, and fsck finds nothing wrong.
 */
const TOKEN = 'cairn_test_admin_token_backup_01';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-backup';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;
const AUTH = basicAuth('admin', TOKEN);

let work: string;
let original: TestServer;
let restored: TestServer | undefined;
let project: PushedProject;
let runId: string;
const artifact = Buffer.alloc(5000, 9);

const api = (base: string, method: string, p: string, body?: unknown) =>
  fetch(`${base}${p}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** What a person would look at on a server: refs, history, data, runs, artifacts. */
async function observe(base: string) {
  const cloneDir = fs.mkdtempSync(path.join(work, 'clone-'));
  const url = `${base.replace('http://', `http://admin:${TOKEN}@`)}/admin/proj.git`;
  const lsRemote = await runGit(['ls-remote', url], { home: work });
  expect(lsRemote.code).toBe(0);
  expect((await runGit(['clone', '-q', url, cloneDir], { home: work })).code).toBe(0);
  const log = await runGit(['log', '--format=%H %s', '--all'], { home: work, cwd: cloneDir });
  const objects: Record<string, string> = {};
  const paths = [
    v3Path(project.csv.md5),
    v2Path(project.legacy.md5),
    v3Path(project.dir.md5, true),
    ...project.dir.entries.map((e) => v3Path(e.md5)),
  ];
  for (const p of paths) {
    const res = await fetch(`${base}/admin/proj.dvc/${p}`, { headers: { Authorization: AUTH } });
    objects[p] = `${res.status} ${md5Of(Buffer.from(await res.arrayBuffer()))}`;
  }
  const run = await (await api(base, 'GET', `/admin/proj.mlflow/api/2.0/mlflow/runs/get?run_id=${runId}`)).json();
  const art = await fetch(
    `${base}/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model/weights.bin`,
    { headers: { Authorization: AUTH } },
  );
  return {
    refs: lsRemote.stdout,
    log: log.stdout,
    objects,
    run,
    artifact: `${art.status} ${md5Of(Buffer.from(await art.arrayBuffer()))}`,
  };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-backup-test-'));
  original = await startTestServer();
  expect((await api(original.url, 'POST', '/api/v1/repos', { name: 'proj', private: true })).status).toBe(201);
  project = await pushProject(original.url, 'admin', TOKEN, 'admin/proj', work);
  const ml = (p: string, body: unknown) => api(original.url, 'POST', `/admin/proj.mlflow/api/2.0/mlflow/${p}`, body);
  const created = (await (await ml('runs/create', { experiment_id: '0', run_name: 'baseline' })).json()) as {
    run: { info: { run_id: string } };
  };
  runId = created.run.info.run_id;
  const batch = await ml('runs/log-batch', {
    run_id: runId,
    params: [{ key: 'lr', value: '0.01' }],
    metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 1000 + step, step })),
  });
  expect(batch.status).toBe(200);
  const put = await fetch(
    `${original.url}/admin/proj.mlflow/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model/weights.bin`,
    { method: 'PUT', headers: { Authorization: AUTH }, body: artifact },
  );
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await original?.stop();
  await restored?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('cairn-server backup and restore', () => {
  it('backs up a running server, restores into an empty folder, and everything reads back identical', async () => {
    const before = await observe(original.url);
    expect(before.artifact).toBe(`200 ${md5Of(artifact)}`);
    expect(Object.values(before.objects).every((v) => v.startsWith('200 '))).toBe(true);
    expect(before.run).toMatchObject({ run: { data: { params: [{ key: 'lr', value: '0.01' }] } } });
    const backupDir = path.join(work, 'backup');
    const taken = await cairnServer(['backup', backupDir, '--data', original.dataDir]);
    expect(taken.stderr).toBe('');
    expect(taken.code).toBe(0);
    expect(fs.existsSync(path.join(backupDir, 'cairn-backup.json'))).toBe(true);

    // A backup never writes into a folder holding something.
    const again = await cairnServer(['backup', backupDir, '--data', original.dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is not empty');

    // The disk is lost.
    await original.stop();
    expect(fs.existsSync(original.dataDir)).toBe(false);

    const dataDir = path.join(work, 'restored-data');
    const back = await cairnServer(['restore', backupDir, '--data', dataDir]);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    // Restore only into an empty folder.
    const over = await cairnServer(['restore', backupDir, '--data', dataDir]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('is not empty');

    const check = await cairnServer(['fsck', '--json', '--data', dataDir]);
    expect(JSON.parse(check.stdout).problems).toEqual([]);
    expect(check.code).toBe(0);

    restored = await startTestServer({ CAIRN_DATA: dataDir });
    const after = await observe(restored.url);
    expect(after).toEqual(before);
  });

  it('refuses to restore a folder that is not a complete backup', async () => {
    const partial = path.join(work, 'partial');
    fs.mkdirSync(partial);
    fs.writeFileSync(path.join(partial, 'cairn.db'), '');
    const r = await cairnServer(['restore', partial, '--data', path.join(work, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a complete Cairn backup');
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });
});
