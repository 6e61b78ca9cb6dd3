/**
 * Data objects on demand: when the browser opens tracked data that is not on this device, the
 * objects it needs (a `.dir` manifest, one file) are fetched from the repository's DVC remote on
 * the server, streamed into the data cache while being hashed, and kept only if the bytes hash
 * to their oid. A legacy (DVC 2) object is fetched from the DVC 2 path, verified with
 * md5-dos2unix and cached under `md5-dos2unix/<oid>`, apart from DVC 3 objects of the same hex.
 * Offline, or with no server, it says so with a typed error instead of trying.
 */

import { layoutOf, objectPath } from '@cairn/core/cache';
import { CairnError } from '@cairn/core/errors';
import { FileHasher, type HashAlgorithm, hashWasmMd5 } from '@cairn/core/hash';
import type { BlobStore } from '../storage/blob-store.ts';
import { getBlobStore, objectId } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { defaultServer } from '../sync/api.ts';
import { browserSaysOffline } from '../sync/connectivity.ts';
import { remoteOf } from '../sync/data-push.ts';

export type DataFetchErrorCode = 'data_offline' | 'data_not_on_server' | 'data_corrupt' | 'data_fetch_failed';

export class DataFetchError extends CairnError<DataFetchErrorCode> {
  override readonly name = 'DataFetchError';
  constructor(
    code: DataFetchErrorCode,
    message: string,
    readonly oid: string,
  ) {
    super(code, message);
  }
}

export interface FetchProgress {
  oid: string;
  loaded: number;
  total: number | null;
}

const md5Factory = hashWasmMd5();

/**
 * Makes sure `oid` is in the data cache, fetching it if needed.
 * @example await ensureDataObject(handle, '153a…dir', false, (p) => show(p.loaded))
 */
export async function ensureDataObject(
  handle: RepoHandle,
  oid: string,
  legacy: boolean,
  onProgress?: (progress: FetchProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const store = getBlobStore();
  const algorithm: HashAlgorithm = legacy ? 'md5-dos2unix' : 'md5';
  if (await store.has(objectId(algorithm, oid))) return;
  if (browserSaysOffline()) {
    throw new DataFetchError('data_offline', 'This data is not on this device, and the device is offline.', oid);
  }
  const server = handle.row.server ?? defaultServer();
  await downloadObject(await remoteOf(server, handle), store, algorithm, oid, onProgress, signal);
}

/**
 * Downloads one object from a DVC remote into `store`, streamed and hashed on the way, and
 * commits it under `<algorithm>/<oid>` only if the bytes hash to `oid` with `algorithm`.
 * @throws DataFetchError (DATA_OFFLINE, DATA_NOT_ON_SERVER, DATA_CORRUPT, DATA_FETCH_FAILED) or the signal's reason
 */
export async function downloadObject(
  remote: { base: string; headers: Record<string, string> },
  store: BlobStore,
  algorithm: HashAlgorithm,
  oid: string,
  onProgress?: (progress: FetchProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const id = objectId(algorithm, oid);
  // Where DVC keeps it: DVC 3 layout, or DVC 2 for legacy hashes (FORMATS §1.4).
  const url = `${remote.base}/${objectPath(oid, layoutOf(algorithm))}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: remote.headers, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new DataFetchError('data_offline', 'This data is not on this device, and the server cannot be reached.', oid);
  }
  if (response.status === 404) {
    throw new DataFetchError(
      'data_not_on_server',
      'This data is not on this device, nor on the server (was it pushed?).',
      oid,
    );
  }
  if (!response.ok || !response.body) {
    throw new DataFetchError('data_fetch_failed', `The server answered ${response.status} for this data.`, oid);
  }
  const length = Number(response.headers.get('Content-Length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  // Legacy (DVC 2) objects are named by md5-dos2unix of their raw bytes (FORMATS §1.2).
  const hasher = new FileHasher(await md5Factory(), algorithm);
  const writer = store.writer();
  let loaded = 0;
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hasher.push(value);
      await writer.write(value);
      loaded += value.byteLength;
      onProgress?.({ oid, loaded, total });
    }
    // Every object from a server is re-hashed before it enters the cache (RELIABILITY).
    if (hasher.finish().md5 !== oid.replace(/\.dir$/, '')) {
      throw new DataFetchError(
        'data_corrupt',
        'The server sent data that does not match its hash; it was not kept.',
        oid,
      );
    }
    await writer.commit(id);
  } catch (error) {
    await writer.abort().catch(() => {});
    if (error instanceof DataFetchError || signal?.aborted) throw error;
    throw new DataFetchError('data_fetch_failed', `Fetching the data failed: ${(error as Error).message}`, oid);
  }
}
