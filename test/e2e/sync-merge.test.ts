/**
 * Git sync between this app's git layer (isomorphic-git on lightning-fs over fake-indexeddb,
 * as in a browser) and another clone made with the real git CLI, through the real server:
 * fast-forward, clean merge, push after the server moved, and a conflict that is explained and
 * keeps local work. Runs in Node (no browser needed for git logic), beside the browser tests.
 */
import 'fake-indexeddb/auto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChanges, readWorkFile } from '../../app/src/git/commit.ts';
import { DivergedError } from '../../app/src/git/errors.ts';
import { createLocalRepo } from '../../app/src/git/init.ts';
import { loadGit } from '../../app/src/git/load-git.ts';
import { pullRepo, pushRepo } from '../../app/src/git/remote-sync.ts';
import type { RepoHandle } from '../../app/src/storage/repo-handle.ts';
import { setCredentials } from '../../app/src/sync/credentials.ts';
import { e2eAvailable } from '../support/chromium.ts';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const run = promisify(execFile);
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

describe.skipIf(!e2eAvailable())('git pull and push of the app against the server', () => {
  let server: TestServer;
  let tmp: string;
  let handle: RepoHandle;
  let cli: string;

  const other = (...args: string[]) =>
    run('git', ['-C', cli, '-c', 'user.name=Other', '-c', 'user.email=other@example.com', ...args]);
  const otherCommit = async (file: string, text: string, message: string) => {
    fs.writeFileSync(path.join(cli, file), text);
    await other('add', file);
    await other('commit', '-q', '-m', message);
    await other('push', '-q', 'origin', 'main');
  };
  const localLog = async () => {
    const { git } = await loadGit();
    return (await git.log({ fs: handle.fs, dir: handle.dir })).map((c) => c.commit.message.trim());
  };

  beforeAll(async () => {
    (globalThis as { navigator?: unknown }).navigator ??= {};
    server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'e2e-admin-password', CAIRN_ADMIN_TOKEN: ADMIN_TOKEN });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-sync-merge-'));
    const res = await createRepo(server.url, ADMIN_TOKEN, { name: 'merge-me', private: true });
    expect(res.status).toBe(201);
    await setCredentials(server.url, { username: 'admin', token: ADMIN_TOKEN });
    handle = await createLocalRepo('admin', 'merge-me', server.url);
    await pushRepo(handle, server.url);
    cli = path.join(tmp, 'cli');
    const host = new URL(server.url).host;
    await run('git', ['clone', '-q', `http://admin:${ADMIN_TOKEN}@${host}/admin/merge-me.git`, cli]);
  });
  afterAll(async () => {
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('fast-forwards when only the server moved, updating the working tree', async () => {
    await otherCommit('notes.md', 'from the other clone\n', 'Add notes');
    expect(await pullRepo(handle, server.url)).toBe('fast-forward');
    expect(await readWorkFile(handle, 'notes.md')).toBe('from the other clone\n');
    expect(await pullRepo(handle, server.url)).toBe('up-to-date');
  });

  it('merges when both sides changed different files, and pushes the merge', async () => {
    await otherCommit('server.txt', 'server side\n', 'Server change');
    await commitChanges(handle, { write: { 'local.txt': 'local side\n' }, message: 'Local change' });
    expect(await pullRepo(handle, server.url)).toBe('merged');
    expect(await readWorkFile(handle, 'server.txt')).toBe('server side\n');
    await pushRepo(handle, server.url);
    await other('pull', '-q', '--ff-only', 'origin', 'main');
    const { stdout } = await other('log', '--format=%s');
    expect(stdout).toContain('Local change');
    expect(stdout).toContain('Server change');
    expect(fs.readFileSync(path.join(cli, 'local.txt'), 'utf8')).toBe('local side\n');
  });

  it('a push after the server moved pulls, merges and pushes again', async () => {
    await otherCommit('again.txt', 'x\n', 'Server moves again');
    await commitChanges(handle, { write: { 'mine.txt': 'y\n' }, message: 'Mine' });
    await pushRepo(handle, server.url);
    await other('pull', '-q', '--ff-only', 'origin', 'main');
    expect(fs.readFileSync(path.join(cli, 'mine.txt'), 'utf8')).toBe('y\n');
  });

  it('a conflicting change is explained, and local work is kept', async () => {
    await otherCommit('README.md', '# server wording\n', 'Server README');
    await commitChanges(handle, { write: { 'README.md': '# local wording\n' }, message: 'Local README' });
    const error = await pullRepo(handle, server.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as DivergedError).code).toBe('diverged');
    expect((error as DivergedError).files).toContain('README.md');
    expect((error as DivergedError).message).toMatch(/merge origin\/main/);
    expect((await localLog())[0]).toBe('Local README');
    expect(await readWorkFile(handle, 'README.md')).toBe('# local wording\n');
  });
});
