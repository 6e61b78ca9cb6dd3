import '../../app/src/test-setup.ts';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import FS from '@isomorphic-git/lightning-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGit } from '../../app/src/git/load-git.ts';
import { cloneInto } from '../../app/src/git/pack-clone.ts';
import { BatchedFileStore } from '../../app/src/storage/batched-file-store.ts';
import { createRepo } from '../support/create-repo.ts';
import { runGit } from '../support/git-cli.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The app's clone (pack-clone.ts: one pack, checked out by fresh-checkout.ts into lightning-fs on
 * the batched file store the app uses, here on fake-indexeddb) against `git clone` of the same
 * repository from the real server: the same files with the same bytes, the same index (modes and
 * object ids, read by `git ls-files -s` from the index the app wrote), and isomorphic-git sees
 * every file unchanged. The repository is made here: nested folders, an executable, a symlink,
 * an empty file, names with spaces and accents, small and large (1 MiB, several read ahead at
 * once) binary files.
 */
const TOKEN = 'clone-checkout-admin-token-0123456789';
let server: TestServer;
let tmp: string;
let home: string;

const git = async (cwd: string, ...args: string[]) => {
  const r = await runGit(args, { home, cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
  return r.stdout;
};

/** Bytes that differ per file and per position. */
function bytesOf(seed: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** `git ls-files -s` of the index file `indexFile` (GIT_INDEX_FILE), in the repository at `cwd`. */
function lsFilesOf(cwd: string, indexFile: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'git',
      ['-c', 'core.quotePath=false', 'ls-files', '-s'],
      { cwd, env: { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_INDEX_FILE: indexFile } },
      (err, stdout) => (err ? reject(err) : resolve(String(stdout))),
    ),
  );
}

beforeAll(async () => {
  server = await startTestServer({ CAIRN_ADMIN_PASSWORD: 'clone-checkout-admin-pw', CAIRN_ADMIN_TOKEN: TOKEN });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-clone-checkout-'));
  home = path.join(tmp, 'home');
  fs.mkdirSync(home);
});
afterAll(async () => {
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("the app's clone checks out what git does", () => {
  it('same files, bytes, modes and index as `git clone`; isomorphic-git sees nothing changed', async () => {
    expect((await createRepo(server.url, TOKEN, { name: 'tree', private: false })).status).toBe(201);
    const work = path.join(tmp, 'work');
    for (const dir of ['src/models/deep', 'data/raw', 'docs with space'])
      fs.mkdirSync(path.join(work, dir), { recursive: true });
    fs.writeFileSync(path.join(work, 'README.md'), '# Tree\n');
    fs.writeFileSync(path.join(work, 'empty.txt'), '');
    fs.writeFileSync(path.join(work, 'train.sh'), '#!/bin/sh\necho train\n', { mode: 0o755 });
    fs.symlinkSync('src/models/deep/net.py', path.join(work, 'net-link.py'));
    fs.writeFileSync(path.join(work, 'src/models/deep/net.py'), 'import torch\n');
    fs.writeFileSync(path.join(work, 'docs with space/Résumé é.md'), 'accents\n');
    for (let i = 0; i < 40; i++)
      fs.writeFileSync(path.join(work, 'data/raw', `shard-${i}.bin`), bytesOf(i, 100 + i * 37));
    for (let i = 0; i < 24; i++)
      fs.writeFileSync(path.join(work, 'data', `big-${i}.bin`), bytesOf(1000 + i, 1024 * 1024));
    await git(work, 'init', '-q', '-b', 'main');
    await git(work, 'add', '-A');
    await git(work, 'commit', '-q', '-m', 'A tree of every kind of file');
    const url = `${server.url}/admin/tree.git`;
    await git(work, 'push', '-q', `http://admin:${TOKEN}@${new URL(server.url).host}/admin/tree.git`, 'main');

    const native = path.join(tmp, 'native');
    await git(tmp, 'clone', '-q', url, native);

    const fsName = 'clone-checkout';
    const lfs = new FS(fsName, { wipe: true, db: new BatchedFileStore(fsName, `${fsName}_files`) });
    const { git: iso, http } = await loadGit();
    await cloneInto({
      git: iso,
      http,
      fs: lfs,
      dir: '/repo',
      url,
      headers: {},
      initialBranch: 'main',
      limitBytes: 1 << 30,
    });
    await lfs.promises.flush();

    // The working tree: the same paths, each with the same bytes (a symlink with the same target).
    const tracked = (await git(native, 'ls-files', '-z')).split('\0').filter(Boolean);
    expect(tracked.length).toBe(70);
    const listApp = async (dir: string, prefix = ''): Promise<string[]> => {
      const out: string[] = [];
      for (const name of await lfs.promises.readdir(dir)) {
        if (!prefix && name === '.git') continue;
        const st = await lfs.promises.lstat(`${dir}/${name}`);
        if (st.isDirectory()) out.push(...(await listApp(`${dir}/${name}`, `${prefix}${name}/`)));
        else out.push(`${prefix}${name}`);
      }
      return out;
    };
    expect((await listApp('/repo')).sort()).toEqual([...tracked].sort());
    for (const rel of tracked) {
      const nativePath = path.join(native, rel);
      if (fs.lstatSync(nativePath).isSymbolicLink()) {
        expect(await lfs.promises.readlink(`/repo/${rel}`)).toBe(fs.readlinkSync(nativePath));
        continue;
      }
      const mine = Buffer.from((await lfs.promises.readFile(`/repo/${rel}`)) as Uint8Array);
      expect(mine.equals(fs.readFileSync(nativePath)), rel).toBe(true);
    }

    // The index the app wrote, read by git itself: the same modes, object ids and paths.
    const appIndex = (await lfs.promises.readFile('/repo/.git/index')) as Uint8Array;
    const indexCopy = path.join(tmp, 'app-index');
    fs.writeFileSync(indexCopy, appIndex);
    const nativeEntries = await git(native, '-c', 'core.quotePath=false', 'ls-files', '-s');
    const appEntries = await lsFilesOf(native, indexCopy);
    expect(appEntries).toBe(nativeEntries);
    expect(nativeEntries).toMatch(/^100755 [0-9a-f]{40} 0\ttrain\.sh$/m);
    expect(nativeEntries).toMatch(/^120000 [0-9a-f]{40} 0\tnet-link\.py$/m);

    // isomorphic-git (status, commit) sees every file as checked out, nothing changed or deleted.
    const matrix = await iso.statusMatrix({ fs: lfs, dir: '/repo' });
    expect(matrix.length).toBe(70);
    expect(matrix.filter(([, head, workdir, stage]) => !(head === 1 && workdir === 1 && stage === 1))).toEqual([]);
  });
});
