/**
 * Checks out a branch into the empty working tree of a new clone, reading objects with core's
 * reader — by range from the pack stored in OPFS, or from the pack the clone still holds in
 * memory where it was received there —
 * and writes the index (core's writeGitIndex) with each file's stat data, as `git checkout`
 * leaves it: isomorphic-git then sees every file unchanged. isomorphic-git's own checkout reads
 * the whole pack again into its Buffer (over 2 GiB it cannot) and rewrites the index per file.
 */
import { type GitIndexEntry, GitObjectError, type GitObjectFiles, GitRepoReader, writeGitIndex } from '@cairn/core/git';
import type { FsClient } from 'isomorphic-git';
import type { Git } from './load-git.ts';
import { inflateZlib } from './object-files.ts';

interface Stat {
  size: number;
  ctimeMs: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
}

interface PromiseFs {
  writeFile(path: string, data: Uint8Array, opts?: { mode?: number }): Promise<void>;
  mkdir(path: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  lstat(path: string): Promise<Stat>;
}

export interface FreshCheckoutOptions {
  git: Git;
  fs: FsClient;
  dir: string;
  /** A branch whose `refs/remotes/origin/<branch>` exists: it becomes the local branch, tracking it. */
  branch: string;
  /** The repository's object files (the pack just received may still be in memory: pack-clone.ts). */
  objects: GitObjectFiles;
  onProgress?: (p: { phase: string; loaded: number; total?: number }) => void;
}

const MODE_FILE = 0o100644;
const MODE_EXECUTABLE = 0o100755;
const MODE_SYMLINK = 0o120000;
const MODE_GITLINK = 0o160000;
/** Blobs read from the pack at once (their sizes are unknown until read). */
const READ_LANES = 4;
/**
 * Bytes of blobs read and waiting to be stored past which no further read starts: enough files
 * queued for the store to commit many in one transaction (batched-file-store.ts), few enough to
 * hold little. Worst case held: this plus READ_LANES blobs.
 */
const HELD_BYTES = 16 * 1024 * 1024;

export async function freshCheckout(opts: FreshCheckoutOptions): Promise<void> {
  const { git, fs, dir, branch } = opts;
  const pfs = (fs as unknown as { promises: PromiseFs }).promises;
  const root = dir.replace(/\/$/, '');
  const reader = new GitRepoReader(opts.objects, `${root}/.git`, inflateZlib);
  const commitOid = await reader.resolveRef(`refs/remotes/origin/${branch}`);
  if (!commitOid) throw new GitObjectError(`origin/${branch} was not fetched`);
  const commit = await reader.readCommit(commitOid);
  const entries: GitIndexEntry[] = [];
  const decoder = new TextDecoder();
  // Folders first (in tree order), then the files, several at a time.
  const files: { path: string; oid: string; mode: number }[] = [];
  const walk = async (treeOid: string, prefix: string): Promise<void> => {
    for (const entry of await reader.readTree(treeOid)) {
      const path = `${prefix}${entry.name}`;
      const full = `${root}/${path}`;
      const mode = Number.parseInt(entry.mode, 8);
      if (entry.type === 'tree') {
        await pfs.mkdir(full).catch(() => {});
        await walk(entry.oid, `${path}/`);
      } else if (mode === MODE_GITLINK) {
        // A submodule: git leaves an empty folder and records the commit.
        await pfs.mkdir(full).catch(() => {});
        entries.push({ path, oid: entry.oid, mode, size: 0, ctimeMs: 0, mtimeMs: 0, dev: 0, ino: 0, uid: 0, gid: 0 });
      } else {
        files.push({ path, oid: entry.oid, mode });
      }
    }
  };
  const store = async (file: (typeof files)[number], content: Uint8Array): Promise<void> => {
    const full = `${root}/${file.path}`;
    if (file.mode === MODE_SYMLINK) await pfs.symlink(decoder.decode(content), full);
    else await pfs.writeFile(full, content, file.mode === MODE_EXECUTABLE ? { mode: 0o777 } : {});
    const st = await pfs.lstat(full);
    entries.push({
      path: file.path,
      oid: file.oid,
      mode: file.mode === MODE_EXECUTABLE || file.mode === MODE_SYMLINK ? file.mode : MODE_FILE,
      size: st.size,
      ctimeMs: st.ctimeMs,
      mtimeMs: st.mtimeMs,
      dev: st.dev,
      ino: st.ino,
      uid: st.uid,
      gid: st.gid,
    });
  };
  opts.onProgress?.({ phase: 'Updating workdir', loaded: 0 });
  await walk(commit.tree, '');
  opts.onProgress?.({ phase: 'Updating workdir', loaded: 0, total: files.length });
  // Reading from the pack and storing overlap: a few reads at a time, and every blob read goes
  // straight to the store, which commits the writes waiting together (each alone waits on a
  // commit most of the time). The index sorts its entries, so their order is free.
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let reading = 0;
    let held = 0;
    let written = 0;
    let failed = false;
    const fail = (error: unknown) => {
      failed = true;
      reject(error);
    };
    const pump = () => {
      while (!failed && next < files.length && reading < READ_LANES && held < HELD_BYTES) {
        const file = files[next++] as (typeof files)[number];
        reading++;
        reader
          .readBlob(file.oid)
          .then((content) => {
            reading--;
            held += content.length;
            pump();
            return store(file, content).then(() => {
              held -= content.length;
              written++;
              if (written % 64 === 0)
                opts.onProgress?.({ phase: 'Updating workdir', loaded: written, total: files.length });
              if (written === files.length) resolve();
              else pump();
            });
          })
          .catch(fail);
      }
    };
    if (files.length === 0) resolve();
    else pump();
  });
  await pfs.writeFile(`${root}/.git/index`, await writeGitIndex(entries));
  await git.writeRef({ fs, dir, ref: `refs/heads/${branch}`, value: commitOid, force: true });
  await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${branch}`, symbolic: true, force: true });
  await git.setConfig({ fs, dir, path: `branch.${branch}.remote`, value: 'origin' });
  await git.setConfig({ fs, dir, path: `branch.${branch}.merge`, value: `refs/heads/${branch}` });
}
