import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HashState, RACY_WINDOW_MS } from './hash-state.ts';
import { LocalCache } from './local-cache.ts';
import { openRepo, type Repo } from './repo.ts';
import { hashWorkspacePath } from './workspace-hash.ts';

/**
 * Remembered hashes (hash-state.ts) as `cairn status` uses them: an unchanged folder is answered
 * from stats alone; any real change — new bytes of the same size, even with the old mtime inside
 * the racy window, a file replaced by another, a damaged state file — is still hashed.
 */
let root: string;
let repo: Repo;
const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('hex');

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-state-'));
  fs.mkdirSync(path.join(root, '.dvc'));
  repo = openRepo(root);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** Sets a file's mtime `ageMs` in the past (so it is not racy unless the age is small). */
const age = (file: string, ageMs: number) => {
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
  return t;
};

function writeFolder(n: number): string[] {
  const dir = path.join(root, 'data');
  fs.mkdirSync(dir);
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = path.join(dir, `f${i}.txt`);
    fs.writeFileSync(f, `row ${i}\n`.repeat(1 + (i % 7)));
    age(f, 60_000);
    files.push(f);
  }
  return files;
}

async function status(): Promise<{ oid: string | undefined; hits: number; misses: number }> {
  const state = HashState.open(repo);
  const h = await hashWorkspacePath(repo, 'data', 'md5', { state });
  state.save();
  return { oid: h?.oid, hits: state.hits, misses: state.misses };
}

describe('remembered hashes', () => {
  it('answers an unchanged folder from stats and still finds a changed file', async () => {
    const files = writeFolder(300);
    const first = await status();
    expect(first).toMatchObject({ hits: 0, misses: 300 });
    const second = await status();
    expect(second).toEqual({ oid: first.oid, hits: 300, misses: 0 });

    fs.writeFileSync(files[7]!, 'something else entirely\n');
    const third = await status();
    expect(third.oid).not.toBe(first.oid);
    expect(third.misses).toBe(1);
  });

  it('hashes again a file rewritten with the same size and the same mtime inside the racy window', async () => {
    const file = path.join(root, 'data');
    fs.writeFileSync(file, 'AAAA\n');
    // Written "just now": recorded, but within the racy window of its own record.
    const t = age(file, RACY_WINDOW_MS / 5);
    const state = HashState.open(repo);
    expect((await hashWorkspacePath(repo, 'data', 'md5', { state }))?.oid).toBe(md5('AAAA\n'));
    state.save();
    // Same inode, same size, mtime set back to the recorded one: only the bytes differ.
    fs.writeFileSync(file, 'BBBB\n');
    fs.utimesSync(file, t, t);
    const again = HashState.open(repo);
    expect((await hashWorkspacePath(repo, 'data', 'md5', { state: again }))?.oid).toBe(md5('BBBB\n'));
    expect(again.misses).toBe(1);
  });

  it('hashes again a file replaced by another with the same size and mtime (a new inode)', async () => {
    const file = path.join(root, 'data');
    fs.writeFileSync(file, 'first\n');
    const t = age(file, 60_000);
    await status();
    const other = path.join(root, 'other');
    fs.writeFileSync(other, 'secon\n');
    fs.utimesSync(other, t, t);
    fs.renameSync(other, file);
    expect((await status()).oid).toBe(md5('secon\n'));
  });

  it('ignores a damaged or foreign state file and never answers a wrong hash from it', async () => {
    const file = path.join(root, 'data');
    fs.writeFileSync(file, 'payload\n');
    age(file, 60_000);
    const stateFile = path.join(repo.tmpDir, 'cairn-hashes.json');
    fs.mkdirSync(repo.tmpDir, { recursive: true });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 200 })), async (junk) => {
        fs.writeFileSync(stateFile, typeof junk === 'string' ? junk : Buffer.from(junk));
        expect((await status()).oid).toBe(md5('payload\n'));
      }),
      { numRuns: 60 },
    );
    // A well-formed entry that lies about the hash is only trusted if the stats match exactly.
    const st = fs.statSync(file);
    fs.writeFileSync(
      stateFile,
      JSON.stringify({
        version: 4,
        keys: ['md5:data'],
        ino: [st.ino],
        size: [st.size + 1],
        mtime: [st.mtimeMs],
        md5: ['f'.repeat(32)],
        recorded: [Date.now()],
        gen: [1],
        seq: 1,
        dirs: [],
      }),
    );
    expect((await status()).oid).toBe(md5('payload\n'));
  });

  it("answers an unchanged folder's .dir hash from its memo and builds it again when a file is renamed, added or removed", async () => {
    const files = writeFolder(50);
    const fresh = async () => (await hashWorkspacePath(repo, 'data', 'md5'))?.oid;
    const dirHits = async () => {
      const state = HashState.open(repo);
      const h = await hashWorkspacePath(repo, 'data', 'md5', { state });
      state.save();
      return { oid: h?.oid, dirHits: state.dirHits };
    };
    await status();
    expect(await dirHits()).toEqual({ oid: await fresh(), dirHits: 1 });

    // Same bytes under another name: every remembered file hash still holds, the manifest does not.
    fs.renameSync(files[3]!, path.join(root, 'data', 'renamed.txt'));
    expect(await dirHits()).toEqual({ oid: await fresh(), dirHits: 0 });
    expect(await dirHits()).toEqual({ oid: await fresh(), dirHits: 1 });

    const added = path.join(root, 'data', 'added.txt');
    fs.writeFileSync(added, 'new\n');
    age(added, 60_000);
    expect(await dirHits()).toEqual({ oid: await fresh(), dirHits: 0 });
    fs.rmSync(files[10]!);
    expect(await dirHits()).toEqual({ oid: await fresh(), dirHits: 0 });
    expect(await dirHits()).toEqual({ oid: await fresh(), dirHits: 1 });
  });

  it('never trusts a directory memo whose files were hashed again since', async () => {
    const files = writeFolder(5);
    await status();
    const before = (await status()).oid;
    // New bytes of the same size and an older mtime: the file's entry misses and is recorded
    // anew, so the folder's memo (made before) must not answer.
    fs.writeFileSync(files[2]!, fs.readFileSync(files[2]!, 'utf8').toUpperCase());
    age(files[2]!, 30_000);
    const after = await status();
    expect(after.oid).not.toBe(before);
    expect(after.oid).toBe((await hashWorkspacePath(repo, 'data', 'md5'))?.oid);
  });

  it('is written atomically, and `cairn add` (which stores objects) still reads every file', async () => {
    writeFolder(20);
    await status();
    expect(fs.readdirSync(repo.tmpDir)).toEqual(['cairn-hashes.json']);
    const state = HashState.open(repo);
    const cache = new LocalCache(repo.cacheDir);
    await hashWorkspacePath(repo, 'data', 'md5', { state, cache });
    expect(state.hits).toBe(0);
    const objects = fs
      .readdirSync(path.join(repo.cacheDir, 'files/md5'), { recursive: true })
      .filter((p) => String(p).length === 33);
    // Every one of the 20 files is stored (the .dir manifest's name is longer and not counted).
    expect(new Set(objects).size).toBe(20);
  });
});
