/**
 * The data objects a repository's current commit points at: the outs of every `.dvc` file in
 * the working tree, plus, for folders, the files listed in their `.dir` manifests (when the
 * manifest is on this device). This is what a data push must make sure the server has. Each
 * object carries its hash algorithm: a DVC 2 (md5-dos2unix) object and a DVC 3 (md5) object
 * with the same hex are two objects, cached and pushed apart.
 */
import { layoutOf, objectPath } from '@cairn/core/cache';
import type { HashAlgorithm } from '@cairn/core/hash';
import { parseDirManifest } from '../files/dir-manifest.ts';
import { type DvcOut, parseDvcPointer } from '../files/dvc-pointer.ts';
import { loadGit } from '../git/load-git.ts';
import type { BlobStore, ObjectId } from '../storage/blob-store.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';

export interface ReferencedObject {
  /** The DVC oid (md5 hex, `.dir` for manifests). */
  oid: string;
  algorithm: HashAlgorithm;
  /** Its data-cache id. */
  object: ObjectId;
  /** DVC 2 (md5-dos2unix) object: lives in the legacy remote layout. */
  legacy: boolean;
}

export function referencedObject(algorithm: HashAlgorithm, oid: string): ReferencedObject {
  return { oid, algorithm, object: objectId(algorithm, oid), legacy: algorithm === 'md5-dos2unix' };
}

/** Where the object lives in a DVC remote: `files/md5/ab/cdef…` (DVC 3) or `ab/cdef…` (DVC 2). */
export function remotePathOf(o: ReferencedObject): string {
  return objectPath(o.oid, layoutOf(o.algorithm));
}

/**
 * The objects `outs` need: each out, and the files of each folder whose manifest `store` holds.
 * A manifest that cannot be read (bad JSON, unsafe relpath) lists nothing, so none are pushed.
 */
export async function objectsOfOuts(store: BlobStore, outs: readonly DvcOut[]): Promise<ReferencedObject[]> {
  const found = new Map<ObjectId, ReferencedObject>();
  for (const out of outs) {
    found.set(out.object, referencedObject(out.algorithm, out.oid));
    if (!out.isDir) continue;
    const manifest = await store.get(out.object);
    if (!manifest) continue;
    try {
      for (const entry of parseDirManifest(new TextDecoder().decode(manifest), out.oid)) {
        // A manifest's files are hashed with the folder's algorithm (FORMATS §1.3).
        const o = referencedObject(out.algorithm, entry.md5);
        found.set(o.object, o);
      }
    } catch {
      // unreadable manifest: its folder's files cannot be listed
    }
  }
  return [...found.values()];
}

export async function referencedObjects(handle: RepoHandle): Promise<ReferencedObject[]> {
  const { git } = await loadGit();
  const { fs, dir } = handle;
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null);
  if (!head) return [];
  const files = (await git.listFiles({ fs, dir, ref: head })).filter((p) => p.endsWith('.dvc'));
  const outs: DvcOut[] = [];
  for (const path of files) {
    try {
      const { blob } = await git.readBlob({ fs, dir, oid: head, filepath: path });
      outs.push(...parseDvcPointer(new TextDecoder().decode(blob), path));
    } catch {
      // an invalid or unsafe pointer has no data to sync; the file view reports it
    }
  }
  return objectsOfOuts(getBlobStore(), outs);
}
