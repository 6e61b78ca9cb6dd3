import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsckReport } from '../../sync-server/src/ops/fsck.ts';
import { cairnServer } from '../support/cairn-server-cli.ts';
import { basicAuth, putObject, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { type PushedProject, pushProject } from '../support/ops-project.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * `cairn-server fsck` on the data folder of a real server (running, in this process) after a
 * real push of DVC objects of both layouts, a directory, a git commit and an MLflow artifact. A
 * healthy store reports nothing; each injected fault — a flipped byte, a truncated object, a
 * missing `.dir` entry, a corrupt git object, a flipped byte in an artifact — is found, named, and fails the exit code; `--repair` moves the
 * damaged objects aside and the remote then asks for them again.
 */
const TOKEN = 'cairn_test_admin_token_fsck_0001';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-fsck';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;
const AUTH = basicAuth('admin', TOKEN);

let server: TestServer;
let work: string;
let project: PushedProject;
let artifactPath: string;

const fsckJson = async (...extra: string[]) => {
  const r = await cairnServer(['fsck', '--json', '--data', server.dataDir, ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout) as FsckReport, stderr: r.stderr };
};
const blobFile = (area: string, md5: string) => path.join(server.dataDir, 'blobs', area, md5.slice(0, 2), md5.slice(2));

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-fsck-test-'));
  const res = await fetch(`${server.url}/api/v1/repos`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'proj', private: true }),
  });
  expect(res.status).toBe(201);
  project = await pushProject(server.url, 'admin', TOKEN, 'admin/proj', work);
  // An MLflow run's artifact, uploaded as the MLflow client does.
  const ml = `${server.url}/admin/proj.mlflow/api/2.0`;
  const run = await fetch(`${ml}/mlflow/runs/create`, {
    method: 'POST',
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify({ experiment_id: '0' }),
  });
  const runId = ((await run.json()) as { run: { info: { run_id: string } } }).run.info.run_id;
  artifactPath = `0/${runId}/artifacts/model/weights.bin`;
  const put = await fetch(`${ml}/mlflow-artifacts/artifacts/${artifactPath}`, {
    method: 'PUT',
    headers: { Authorization: AUTH },
    body: Buffer.alloc(4096, 5),
  });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('cairn-server fsck', () => {
  it('reports nothing on a healthy store and exits 0', async () => {
    const { code, report } = await fsckJson();
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    // Every object was read: csv, legacy, two entries, one manifest.
    expect(report.checked.objects).toBe(5);
    expect(report.checked.manifests).toBe(1);
    expect(report.checked.manifestEntries).toBe(2);
    expect(report.checked.gitRepositories).toBe(1);
    expect(report.checked.artifacts).toBe(1);
    expect(report.checked.artifactsWithoutChecksum).toBe(0);
    expect(report.orphans.objects).toEqual([]);
    const human = await cairnServer(['fsck', '--data', server.dataDir]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('no problems found');
    // Not a terminal (cron, pipes): no progress drawing.
    expect(human.stderr).toBe('');
  });

  it('draws progress on a terminal', async () => {
    // util-linux `script` gives the command a pseudo-terminal, as a person's shell would.
    const bin = path.resolve('sync-server/bin/cairn-server.js');
    const r = await new Promise<string>((resolve) => {
      execFile(
        'script',
        ['-qec', `${process.execPath} ${bin} fsck --data ${server.dataDir}`, '/dev/null'],
        (_err, stdout) => resolve(String(stdout)),
      );
    });
    expect(r).toContain(`\r${String.fromCharCode(27)}[Kobjects: 5/5`);
    expect(r).toContain('git: 1/1');
    expect(r).toContain('no problems found');
  });

  it('lists an object no repository indexes as an orphan, without failing', async () => {
    const bytes = Buffer.from('stray but sound');
    const { md5Of } = await import('../support/dvc-upload.ts');
    const md5 = md5Of(bytes);
    fs.mkdirSync(path.dirname(blobFile('md5', md5)), { recursive: true });
    fs.writeFileSync(blobFile('md5', md5), bytes);
    try {
      const { code, report } = await fsckJson();
      expect(code).toBe(0);
      expect(report.orphans.objects).toEqual([{ area: 'md5', md5, size: bytes.length }]);
    } finally {
      fs.rmSync(blobFile('md5', md5));
    }
  });

  it('finds every injected fault, names it and exits 1; --repair sets damaged objects aside', async () => {
    // 1. A flipped byte in the DVC 3 object of data.csv.
    const csvFile = blobFile('md5', project.csv.md5);
    const csv = fs.readFileSync(csvFile);
    csv[5] = (csv[5] as number) ^ 0x01;
    fs.writeFileSync(csvFile, csv);
    // 2. The DVC 2 object truncated (as an interrupted copy leaves it).
    const legacyFile = blobFile('md5-dos2unix', project.legacy.md5);
    fs.truncateSync(legacyFile, 10);
    // 3. One entry of the images/ manifest gone from the disk.
    const lost = project.dir.entries[1] as { md5: string; relpath: string };
    fs.rmSync(blobFile('md5', lost.md5));
    // 4. A corrupt loose git object (the blob of data.csv.dvc).
    const sha = (await runGit(['rev-parse', 'HEAD:data.csv.dvc'], { home: work, cwd: project.clone })).stdout.trim();
    const gitObject = path.join(server.dataDir, 'git', '1.git', 'objects', sha.slice(0, 2), sha.slice(2));
    fs.chmodSync(gitObject, 0o644);
    const obj = fs.readFileSync(gitObject);
    obj[Math.floor(obj.length / 2)] = (obj[Math.floor(obj.length / 2)] as number) ^ 0xff;
    fs.writeFileSync(gitObject, obj);
    // 5. A flipped byte in an MLflow artifact.
    const artifactFile = path.join(server.dataDir, 'mlflow-artifacts', '1', ...artifactPath.split('/'));
    const art = fs.readFileSync(artifactFile);
    art[100] = (art[100] as number) ^ 0x10;
    fs.writeFileSync(artifactFile, art);

    const { code, report } = await fsckJson();
    expect(code).toBe(1);
    const kinds = report.problems.map((p) => p.kind).sort();
    expect(kinds).toEqual([
      'damaged_artifact',
      'damaged_object',
      'damaged_object',
      'git_fsck_failed',
      'missing_dir_entry',
      'missing_object',
    ]);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'damaged_artifact', file: artifactFile }));
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'damaged_object', area: 'md5', md5: project.csv.md5, repos: ['admin/proj'] }),
    );
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'damaged_object', area: 'md5-dos2unix', md5: project.legacy.md5, size: 10 }),
    );
    expect(report.problems).toContainEqual({
      kind: 'missing_dir_entry',
      repo: 'admin/proj',
      oid: `${project.dir.md5}.dir`,
      relpath: lost.relpath,
      md5: lost.md5,
    });
    expect(report.problems).toContainEqual(
      expect.objectContaining({ kind: 'missing_object', oid: lost.md5, repos: ['admin/proj'] }),
    );
    const gitProblem = report.problems.find((p) => p.kind === 'git_fsck_failed');
    expect(gitProblem).toMatchObject({ repo: 'admin/proj' });
    const human = await cairnServer(['fsck', '--data', server.dataDir]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`damaged object md5 ${project.csv.md5}`);
    expect(human.stdout).toContain('6 problems found');

    // --repair: damaged bytes moved aside (kept), index rows dropped, so the remote asks again.
    const repaired = await fsckJson('--repair');
    expect(repaired.code).toBe(1);
    expect(repaired.report.repaired?.moved).toHaveLength(2);
    for (const moved of repaired.report.repaired?.moved ?? []) expect(fs.existsSync(moved)).toBe(true);
    expect(fs.existsSync(csvFile)).toBe(false);
    const missing = await fetch(`${server.url}/admin/proj.dvc/missing`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [project.csv.md5, lost.md5, `${project.dir.md5}.dir`] }),
    });
    expect((await missing.json()) as unknown).toEqual({ missing: [project.csv.md5, lost.md5] });
    // A client pushes again; the DVC side is then whole, only the git damage remains.
    expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(project.csv.md5), project.csv.bytes)).toBe(200);
    const lostBytes = project.dir.entries[1]?.bytes as Buffer;
    expect(await putObject(server.url, AUTH, 'admin/proj', v3Path(lost.md5), lostBytes)).toBe(200);
    expect(
      await putObject(
        server.url,
        AUTH,
        'admin/proj',
        `${project.legacy.md5.slice(0, 2)}/${project.legacy.md5.slice(2)}`,
        project.legacy.bytes,
      ),
    ).toBe(200);
    const after = await fsckJson();
    // Artifacts are not set aside: an MLflow client does not upload again by itself.
    expect(after.report.problems.map((p) => p.kind).sort()).toEqual(['damaged_artifact', 'git_fsck_failed']);
    expect(after.code).toBe(1);
  });

  it('exits 2 when pointed at a folder that is not a data folder', async () => {
    const r = await cairnServer(['fsck', '--data', work]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a Cairn data folder');
  });
});
