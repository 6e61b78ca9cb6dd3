/**
 * The `cairn` CLI against the real sync server: `add` → `push` (through the batch `missing`
 * call) → delete the cache and the data → `pull` restores the same bytes. Private repository,
 * so every request needs the user's token as the Basic password, as DVC's `auth basic` sends it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCairn } from '../../packages/cli/src/testing/run-cairn.ts';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const exec = promisify(execFile);
const ADMIN_TOKEN = 'cairn_cli_test_admin_token_000001';

const cairn = runCairn;

describe('cairn push/pull against the sync server', () => {
  let server: TestServer;
  let tmp: string;
  let repo: string;

  beforeAll(async () => {
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'cli-test-password', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    const created = await createRepo(server.url, ADMIN_TOKEN, { name: 'cells', private: true });
    expect(created.status).toBeLessThan(300);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-cli-server-'));
    repo = path.join(tmp, 'work');
    fs.mkdirSync(path.join(repo, 'data/images'), { recursive: true });
    await exec('git', ['init', '-q'], { cwd: repo });
    for (let i = 0; i < 12; i++) {
      fs.writeFileSync(path.join(repo, `data/images/img_${i}.bin`), Buffer.alloc(1000 + i * 37, i));
    }
    fs.writeFileSync(path.join(repo, 'data/labels.csv'), 'image,label\r\nimg_0,cell\r\n');
  });
  afterAll(async () => {
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pushes only what the server lacks, and pulls back identical bytes', async () => {
    expect((await cairn(repo, 'init')).code).toBe(0);
    const added = await cairn(repo, 'add', 'data');
    expect(added.code, added.stderr).toBe(0);
    const remoteUrl = `${server.url}/admin/cells.dvc`;
    fs.appendFileSync(
      path.join(repo, '.dvc/config'),
      `[core]\n    remote = origin\n['remote "origin"']\n    url = ${remoteUrl}\n`,
    );

    // Without credentials the private remote refuses.
    const anonymous = await cairn(repo, 'push');
    expect(anonymous.code).not.toBe(0);

    fs.writeFileSync(
      path.join(repo, '.dvc/config.local'),
      `['remote "origin"']\n    auth = basic\n    user = admin\n    password = ${ADMIN_TOKEN}\n`,
    );
    const pushed = await cairn(repo, 'push');
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout.trim()).toBe('14 files pushed'); // 13 files + the .dir manifest

    // The server now has every object: its batch call reports none missing.
    const dvcFile = fs.readFileSync(path.join(repo, 'data.dvc'), 'utf8');
    const dirOid = /md5: ([0-9a-f]{32}\.dir)/.exec(dvcFile)?.[1] as string;
    const check = await fetch(`${remoteUrl}/missing`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ oids: [dirOid, '0'.repeat(32)] }),
    });
    expect(await check.json()).toEqual({ missing: ['0'.repeat(32)] });
    expect((await cairn(repo, 'push')).stdout.trim()).toBe('Everything is up to date.');

    const before = fs.readFileSync(path.join(repo, 'data/images/img_7.bin'));
    fs.rmSync(path.join(repo, '.dvc/cache'), { recursive: true, force: true });
    fs.rmSync(path.join(repo, 'data'), { recursive: true, force: true });
    const pulled = await cairn(repo, 'pull');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'data/images/img_7.bin')).equals(before)).toBe(true);
    expect(fs.readFileSync(path.join(repo, 'data/labels.csv'), 'utf8')).toBe('image,label\r\nimg_0,cell\r\n');
  });
});
