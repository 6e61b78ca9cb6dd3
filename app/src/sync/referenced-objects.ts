/**
 * The data objects a repository's current commit points at: the outs of every `.dvc` file in
 * the working tree, plus, for folders, the files listed in their `.dir` manifests (when the
 * manifest is on this device). This is what a data push must make sure the server has.
 */
import { parseDirManifest } from '../files/dir-manifest.ts';
import { parseDvcPointer } from '../files/dvc-pointer.ts';
import { loadGit } from '../git/load-git.ts';
import { getBlobStore } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';

export interface ReferencedObject {
  oid: string;
  /** DVC 2 (md5-dos2unix) object: lives in the legacy remote layout. */
  legacy: boolean;
}

export async function referencedObjects(handle: RepoHandle): Promise<ReferencedObject[]> {
  const { git } = await loadGit();
  const { fs, dir } = handle;
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => null);
  if (!head) return [];
  const files = (await git.listFiles({ fs, dir, ref: head })).filter((p) => p.endsWith('.dvc'));
  const found = new Map<string, ReferencedObject>();
  const store = getBlobStore();
  for (const path of files) {
    let outs: ReturnType<typeof parseDvcPointer>;
    try {
      const { blob } = await git.readBlob({ fs, dir, oid: head, filepath: path });
      outs = parseDvcPointer(new TextDecoder().decode(blob), path);
    } catch {
      continue; // an invalid pointer has no data to sync; the file view reports it
    }
    for (const out of outs) {
      found.set(out.oid, { oid: out.oid, legacy: out.legacy });
      if (!out.isDir) continue;
      const manifest = await store.get(out.oid);
      if (!manifest) continue;
      try {
        for (const entry of parseDirManifest(new TextDecoder().decode(manifest), out.oid)) {
          found.set(entry.md5, { oid: entry.md5, legacy: out.legacy });
        }
      } catch {
        // an unreadable manifest: its folder's files cannot be listed, so none are pushed
      }
    }
  }
  return [...found.values()];
}
