import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, md5Of, putObject, v3Path } from '../support/dvc-upload.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * A full disk (RELIABILITY F5), for real: the data folder on an 8 MiB tmpfs, filled up. A DVC
 * upload and an MLflow artifact get 507 and leave no partial file, a git push fails with git's
 * error and moves no ref, reads keep working, and once space is freed writes work again. Mounting
 * needs root (CI runs as root); elsewhere the test says so and is skipped.
 */
const TOKEN = 'cairn_test_admin_token_fulldisk1';
process.env.CAIRN_ADMIN_PASSWORD = 'admin-password-fulldisk';
process.env.CAIRN_ADMIN_TOKEN = TOKEN;
const AUTH = basicAuth('admin', TOKEN);
const run = promisify(execFile);

let mountPoint: string;
let mounted = false;
let server: TestServer | undefined;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-fulldisk-work-'));
  mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-fulldisk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
    mounted = true;
  } catch (err) {
    console.log(`full-disk test skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
    return;
  }
  server = await startTestServer({ CAIRN_DATA: path.join(mountPoint, 'data') });
});
afterAll(async () => {
  await server?.stop();
  if (mounted) await run('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const filesUnder = (dir: string) =>
  (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());

describe('a full disk', () => {
  it('answers 507 / git errors, leaves nothing partial, keeps serving reads, recovers', async (ctx) => {
    if (!mounted || !server) return ctx.skip();
    const base = server.url;
    const api = (method: string, p: string, body?: unknown) =>
      fetch(`${base}${p}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await api('POST', '/api/v1/repos', { name: 'proj', private: true })).status).toBe(201);
    const url = `${base.replace('http://', `http://admin:${TOKEN}@`)}/admin/proj.git`;
    const clone = path.join(work, 'clone');
    const git = (args: string[], cwd = clone) => runGit(args, { home: work, cwd });
    fs.mkdirSync(clone);
    await git(['init', '-q', '-b', 'main']);
    fs.writeFileSync(path.join(clone, 'README.md'), '# before the disk filled\n');
    await git(['add', '.']);
    await git(['commit', '-q', '-m', 'one']);
    expect((await git(['push', '-q', url, 'main'])).code).toBe(0);
    const head = (await git(['rev-parse', 'HEAD'])).stdout.trim();
    const small = Buffer.from('data stored before the disk filled\n');
    expect(await putObject(base, AUTH, 'admin/proj', v3Path(md5Of(small)), small)).toBe(200);
    const ml = `${base}/admin/proj.mlflow/api/2.0`;
    const created = await api('POST', '/admin/proj.mlflow/api/2.0/mlflow/runs/create', { experiment_id: '0' });
    const runId = ((await created.json()) as { run: { info: { run_id: string } } }).run.info.run_id;

    // Fill the disk, leaving less than what comes next.
    const filler = path.join(mountPoint, 'filler');
    const { stdout } = await run('df', ['-B1', '--output=avail', mountPoint]);
    const free = Number(stdout.trim().split('\n').at(-1));
    fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - 256 * 1024)));

    const big = randomBytes(1024 * 1024);
    const upload = await fetch(`${base}/admin/proj.dvc/${v3Path(md5Of(big))}`, {
      method: 'PUT',
      headers: { Authorization: AUTH },
      body: big,
    });
    expect(upload.status).toBe(507);
    expect(((await upload.json()) as { error: { code: string } }).error.code).toBe('blob_storage_full');
    const blobs = path.join(mountPoint, 'data', 'blobs');
    expect(filesUnder(blobs).filter((f) => path.basename(f).startsWith('.tmp-'))).toEqual([]);
    expect(
      (
        await fetch(`${base}/admin/proj.dvc/${v3Path(md5Of(big))}`, {
          method: 'HEAD',
          headers: { Authorization: AUTH },
        })
      ).status,
    ).toBe(404);

    const art = await fetch(`${ml}/mlflow-artifacts/artifacts/0/${runId}/artifacts/big.bin`, {
      method: 'PUT',
      headers: { Authorization: AUTH },
      body: big,
    });
    expect(art.status).toBe(507);
    const artifacts = path.join(mountPoint, 'data', 'mlflow-artifacts');
    expect(filesUnder(artifacts).filter((f) => path.basename(f).startsWith('.cairn-upload-'))).toEqual([]);
    expect(fs.existsSync(path.join(artifacts, '1', '0', runId, 'artifacts', 'big.bin'))).toBe(false);

    fs.writeFileSync(path.join(clone, 'big.bin'), big);
    await git(['add', '.']);
    await git(['commit', '-q', '-m', 'too big for the disk']);
    const push = await git(['push', url, 'main']);
    expect(push.code).not.toBe(0);
    const remoteHead = await runGit(['ls-remote', url, 'refs/heads/main'], { home: work });
    expect(remoteHead.stdout.split('\t')[0]).toBe(head);

    // Reads keep working.
    const read = await fetch(`${base}/admin/proj.dvc/${v3Path(md5Of(small))}`, { headers: { Authorization: AUTH } });
    expect(Buffer.from(await read.arrayBuffer()).equals(small)).toBe(true);
    const second = path.join(work, 'second');
    expect((await runGit(['clone', '-q', url, second], { home: work })).code).toBe(0);
    expect((await api('GET', '/api/v1/repos/admin/proj')).status).toBe(200);

    // Space back: the same writes go through.
    fs.rmSync(filler);
    const retry = await fetch(`${base}/admin/proj.dvc/${v3Path(md5Of(big))}`, {
      method: 'PUT',
      headers: { Authorization: AUTH },
      body: big,
    });
    expect(retry.status).toBe(200);
    expect((await git(['push', '-q', url, 'main'])).code).toBe(0);
  });
});
