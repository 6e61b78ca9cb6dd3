/**
 * The data objects a repository's current commit uses, each with the paths it appears at: the
 * outs of every `.dvc` file and `dvc.lock`, and for folders the files their `.dir` manifests list
 * (when the manifest is on this device). Like sync's referenced-objects.ts, plus `dvc.lock`
 * outs (a pipeline's outputs are cached too) and the paths, which the storage page needs to
 * name what it would keep or drop.
 */

import { parseDirManifest } from '../files/dir-manifest.ts';
import { type DvcOut, parseDvcPointer } from '../files/dvc-pointer.ts';
import { parseLockOuts } from '../files/lock-outs.ts';
import { loadGit } from '../git/load-git.ts';
import type { BlobStore, ObjectId } from '../storage/blob-store.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { type ReferencedObject, referencedObject } from '../sync/referenced-objects.ts';

export interface RepoDataObject {
  ref: ReferencedObject;
  /** Repository paths that use it (a folder's manifest is named by the folder). */
  paths: string[];
}

/** Files read between pauses, so a repository with thousands of pointers leaves the page responsive. */
const FILES_PER_SLICE = 200;

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function join(folder: string, path: string): string {
  return folder ? `${folder}/${path}` : path;
}

function folderOf(file: string): string {
  const at = file.lastIndexOf('/');
  return at < 0 ? '' : file.slice(0, at);
}

/** The outs (with repository paths) of every `.dvc` and `dvc.lock` in the HEAD commit. */
async function outsAtHead(handle: RepoHandle): Promise<Array<DvcOut & { repoPath: string }>> {
  const { git } = await loadGit();
  const { fs, dir } = handle;
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null);
  if (!head) return [];
  // One tree walk reads each folder once (a blob read by path walks from the root every time),
  // and one cache keeps the parsed pack indexes across all reads.
  const cache = {};
  const files: Array<{ path: string; oid: string }> = [];
  await git.walk({
    fs,
    dir,
    cache,
    trees: [git.TREE({ ref: head })],
    map: async (path, [entry]) => {
      if (!entry || path === '.') return true;
      if ((await entry.type()) !== 'blob') return true;
      if (path.endsWith('.dvc') || path === 'dvc.lock' || path.endsWith('/dvc.lock')) {
        files.push({ path, oid: await entry.oid() });
      }
      return true;
    },
  });
  const outs: Array<DvcOut & { repoPath: string }> = [];
  for (const [i, file] of files.entries()) {
    if (i > 0 && i % FILES_PER_SLICE === 0) await pause();
    try {
      const { blob } = await git.readBlob({ fs, dir, oid: file.oid, cache });
      const text = new TextDecoder().decode(blob);
      const parsed = file.path.endsWith('.dvc') ? parseDvcPointer(text, file.path) : parseLockOuts(text, file.path);
      for (const out of parsed) outs.push({ ...out, repoPath: join(folderOf(file.path), out.path) });
    } catch {
      // an invalid pointer or lock file points at no data; the file view reports it
    }
  }
  return outs;
}

/** Every object the current commit uses, keyed by cache id, with the paths that use it. */
export async function repoDataObjects(handle: RepoHandle, store: BlobStore): Promise<Map<ObjectId, RepoDataObject>> {
  const found = new Map<ObjectId, RepoDataObject>();
  const add = (ref: ReferencedObject, path: string) => {
    const seen = found.get(ref.object);
    if (seen) {
      if (!seen.paths.includes(path)) seen.paths.push(path);
    } else found.set(ref.object, { ref, paths: [path] });
  };
  for (const out of await outsAtHead(handle)) {
    add(referencedObject(out.algorithm, out.oid), out.repoPath);
    if (!out.isDir) continue;
    const manifest = await store.get(out.object);
    if (!manifest) continue;
    try {
      for (const entry of parseDirManifest(new TextDecoder().decode(manifest), out.oid)) {
        // A manifest's files are hashed with the folder's algorithm (FORMATS §1.3).
        add(referencedObject(out.algorithm, entry.md5), join(out.repoPath, entry.relpath));
      }
    } catch {
      // an unreadable manifest lists no files
    }
  }
  return found;
}
