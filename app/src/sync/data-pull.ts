/**
 * Data pull: brings the data objects a repository points at onto this device, only those
 * missing here. Each download is streamed into the data cache and re-hashed before it is kept
 * (files/data-fetch.ts `ensureDataObject`). Manifests come first, so a folder's files can be
 * listed and fetched in the same pull.
 */
import { ensureDataObject, type FetchProgress } from '../files/data-fetch.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { openRepo, type RepoHandle } from '../storage/repo-handle.ts';
import { referencedObjects } from './referenced-objects.ts';

export interface DataPullProgress {
  objectsDone: number;
  objectsTotal: number;
  current: FetchProgress | null;
}

/**
 * Fetches the objects of `oids` this device lacks from the repository's server.
 * @example await fetchMissingObjects('demo', 'segmentation', ['153a…dir'], (p) => show(p))
 */
export async function fetchMissingObjects(
  owner: string,
  repo: string,
  oids: readonly string[],
  onProgress?: (p: DataPullProgress) => void,
  options: { legacy?: ReadonlySet<string>; signal?: AbortSignal } = {},
): Promise<number> {
  const handle = await openRepo(owner, repo);
  if (!handle) throw new Error(`${owner}/${repo} is not on this device.`);
  return fetchObjects(handle, oids, onProgress, options);
}

async function fetchObjects(
  handle: RepoHandle,
  oids: readonly string[],
  onProgress: ((p: DataPullProgress) => void) | undefined,
  options: { legacy?: ReadonlySet<string>; signal?: AbortSignal },
): Promise<number> {
  const missing = await getBlobStore().missing(oids);
  const progress: DataPullProgress = { objectsDone: 0, objectsTotal: missing.length, current: null };
  onProgress?.({ ...progress });
  for (const oid of missing) {
    await ensureDataObject(
      handle,
      oid,
      options.legacy?.has(oid) ?? false,
      (current) => onProgress?.({ ...progress, current }),
      options.signal,
    );
    progress.objectsDone++;
    onProgress?.({ ...progress, current: null });
  }
  return missing.length;
}

/** Pulls every data object the current commit points at (manifests, then their files). */
export async function pullData(handle: RepoHandle, onProgress?: (p: DataPullProgress) => void): Promise<number> {
  const first = await referencedObjects(handle);
  const legacy = new Set(first.filter((o) => o.legacy).map((o) => o.oid));
  let fetched = await fetchObjects(
    handle,
    first.filter((o) => o.oid.endsWith('.dir')).map((o) => o.oid),
    onProgress,
    { legacy },
  );
  const all = await referencedObjects(handle); // now includes the files listed in the manifests
  for (const o of all) if (o.legacy) legacy.add(o.oid);
  fetched += await fetchObjects(
    handle,
    all.map((o) => o.oid),
    onProgress,
    { legacy },
  );
  return fetched;
}
