/**
 * Data pull: brings the data objects a repository points at onto this device, only those
 * missing here. Each download is streamed into the data cache and re-hashed before it is kept
 * (files/data-fetch.ts `ensureDataObject`). Manifests come first, so a folder's files can be
 * listed and fetched in the same pull.
 */
import { ensureDataObject, type FetchProgress } from '../files/data-fetch.ts';
import { getBlobStore } from '../storage/blobs.ts';
import { openRepo, type RepoHandle } from '../storage/repo-handle.ts';
import { type ReferencedObject, referencedObjects } from './referenced-objects.ts';

export interface DataPullProgress {
  objectsDone: number;
  objectsTotal: number;
  current: FetchProgress | null;
}

/**
 * Fetches the objects of `objects` this device lacks from the repository's server.
 * @example await fetchMissingObjects('demo', 'segmentation', [referencedObject('md5', '153a…dir')], (p) => show(p))
 */
export async function fetchMissingObjects(
  owner: string,
  repo: string,
  objects: readonly ReferencedObject[],
  onProgress?: (p: DataPullProgress) => void,
  options: { signal?: AbortSignal } = {},
): Promise<number> {
  const handle = await openRepo(owner, repo);
  if (!handle) throw new Error(`${owner}/${repo} is not on this device.`);
  return fetchObjects(handle, objects, onProgress, options);
}

async function fetchObjects(
  handle: RepoHandle,
  objects: readonly ReferencedObject[],
  onProgress: ((p: DataPullProgress) => void) | undefined,
  options: { signal?: AbortSignal },
): Promise<number> {
  const byId = new Map(objects.map((o) => [o.object, o]));
  const missing = (await getBlobStore().missing([...byId.keys()])).flatMap((id) => byId.get(id) ?? []);
  const progress: DataPullProgress = { objectsDone: 0, objectsTotal: missing.length, current: null };
  onProgress?.({ ...progress });
  for (const o of missing) {
    await ensureDataObject(
      handle,
      o.oid,
      o.legacy,
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
  let fetched = await fetchObjects(
    handle,
    first.filter((o) => o.oid.endsWith('.dir')),
    onProgress,
    {},
  );
  const all = await referencedObjects(handle); // now includes the files listed in the manifests
  fetched += await fetchObjects(handle, all, onProgress, {});
  return fetched;
}
