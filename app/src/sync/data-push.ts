/**
 * Data push: asks the server which of the objects a repository needs it lacks, then uploads
 * only those to the DVC remote, files before `.dir` manifests (as DVC does), one request per
 * object. The server stores an object only once its bytes are whole and hash to its name
 * (sync-server dvc-remote), so a push that is interrupted (tab closed, network gone, aborted)
 * leaves whole objects or nothing, and the next push resumes by asking again: only what is
 * still missing is sent.
 *
 * DVC 3 objects (`files/md5/…`) are checked with the server's batch `missing` call. That call
 * speaks of DVC 3 objects only (the server files DVC 2 uploads apart), so a legacy object is
 * checked at its DVC 2 path with HEAD: the server may answer there with a DVC 3 object of the
 * same hex, which is the same bytes only if it has the same size (md5-dos2unix equal and no
 * CRLF dropped), so a size that differs means the legacy bytes are still missing.
 */

import { BATCH_MISSING_PATH, type BatchMissingRequest, readBatchMissingResponse } from '@cairn/core/dvc-remote';
import { CairnError } from '@cairn/core/errors';
import { authHeaders } from '../git/clone.ts';
import { AuthRequiredError, ServerUnreachableError, WriteRefusedError } from '../git/errors.ts';
import { dvcRemoteUrl } from '../git/urls.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { getBlobStore } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { type ReferencedObject, referencedObjects, remotePathOf } from './referenced-objects.ts';

export interface DataPushProgress {
  objectsDone: number;
  objectsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** The object being uploaded now, or null between uploads. */
  current: ReferencedObject | null;
}

export class DataPushError extends CairnError<'data_push_failed'> {
  constructor(
    readonly oid: string,
    readonly status: number,
    detail = '',
  ) {
    super('data_push_failed', `The server refused data object ${oid} (${status})${detail ? `: ${detail}` : ''}.`);
    this.name = 'DataPushError';
  }
}

/** A repository's DVC remote on a Cairn server, with the headers that authorise us there. */
export interface DvcRemote {
  /** The server origin (named in errors). */
  server: string;
  /** `<server>/<owner>/<repo>.dvc` */
  base: string;
  headers: Record<string, string>;
}

export async function remoteOf(server: string, handle: RepoHandle): Promise<DvcRemote> {
  return { server, base: dvcRemoteUrl(server, handle.owner, handle.repo), headers: await authHeaders(server) };
}

/** Object ids per batch `missing` call (the server takes up to 100,000). */
const BATCH_OIDS = 10_000;
/** HEAD requests in flight at once when objects are checked one by one. */
const PARALLEL_HEADS = 8;

async function request(remote: DvcRemote, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason ?? error;
    throw new ServerUnreachableError(remote.server, { cause: error });
  }
  if (response.status === 401) throw new AuthRequiredError(remote.server);
  if (response.status === 403) throw new WriteRefusedError(remote.server);
  return response;
}

/** Whether the remote lacks `o` (one HEAD); a legacy object also when the server's bytes differ in size. */
async function missingByHead(remote: DvcRemote, o: ReferencedObject, localSize: number | null): Promise<boolean> {
  const head = await request(remote, `${remote.base}/${remotePathOf(o)}`, { method: 'HEAD', headers: remote.headers });
  if (head.status === 404) return true;
  if (!head.ok) throw new DataPushError(o.oid, head.status);
  const length = head.headers.get('Content-Length');
  return o.legacy && localSize !== null && length !== null && Number(length) !== localSize;
}

/**
 * Which of `objects` the server's DVC remote lacks: the batch call for DVC 3 objects (one HEAD
 * each on servers without it), one HEAD each for legacy objects (see the header).
 */
export async function missingOnServer(
  remote: DvcRemote,
  store: BlobStore,
  objects: readonly ReferencedObject[],
  signal?: AbortSignal,
): Promise<ReferencedObject[]> {
  const current = objects.filter((o) => !o.legacy);
  let missingCurrent: Set<ReferencedObject> | null = current.length > 0 ? new Set() : null;
  for (let at = 0; missingCurrent && at < current.length; at += BATCH_OIDS) {
    const slice = current.slice(at, at + BATCH_OIDS);
    const ask: BatchMissingRequest = { oids: slice.map((o) => o.oid) };
    const batch = await request(remote, `${remote.base}/${BATCH_MISSING_PATH}`, {
      method: 'POST',
      headers: { ...remote.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(ask),
      ...(signal ? { signal } : {}),
    });
    if (!batch.ok) {
      missingCurrent = null; // a server without the batch call: ask per object below
      break;
    }
    const missing = new Set(readBatchMissingResponse(await batch.json()) ?? []);
    for (const o of slice) if (missing.has(o.oid)) missingCurrent.add(o);
  }
  const known = missingCurrent;
  const probe = objects.filter((o) => o.legacy || !known);
  const probed = new Set<ReferencedObject>();
  for (let at = 0; at < probe.length; at += PARALLEL_HEADS) {
    signal?.throwIfAborted();
    await Promise.all(
      probe.slice(at, at + PARALLEL_HEADS).map(async (o) => {
        if (await missingByHead(remote, o, o.legacy ? await store.size(o.object) : null)) probed.add(o);
      }),
    );
  }
  return objects.filter((o) => probed.has(o) || known?.has(o));
}

/**
 * The request body for one stored object, as a Blob made of Blobs of the stored chunks: the
 * bytes move into the browser's blob storage (which pages large blobs to disk) one chunk at a
 * time and are never assembled into one ArrayBuffer in JS, and Chromium streams a Blob body
 * from there. A ReadableStream body (`duplex: 'half'`) would avoid even the chunk copies, but
 * Chromium only sends streaming uploads over HTTP/2 (over HTTP/1.1 the fetch fails), and a
 * Cairn server is often plain HTTP/1.1 on a LAN, so a Blob it is.
 */
async function objectBody(store: BlobStore, o: ReferencedObject): Promise<Blob> {
  const parts: Blob[] = [];
  for await (const chunk of store.chunks(o.object)) parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
  return new Blob(parts, { type: 'application/octet-stream' });
}

/**
 * Uploads the objects of `objects` the remote lacks. Resolves with how many were sent.
 * @throws DataPushError (refused), ServerUnreachableError, AuthRequiredError, WriteRefusedError, or the signal's reason
 */
export async function pushObjects(
  remote: DvcRemote,
  store: BlobStore,
  objects: readonly ReferencedObject[],
  options: { onProgress?: (p: DataPushProgress) => void; signal?: AbortSignal } = {},
): Promise<number> {
  const { onProgress, signal } = options;
  const missing = await missingOnServer(remote, store, objects, signal);
  // Files first, manifests last: a server never holds a manifest whose files it lacks.
  missing.sort((a, b) => Number(a.oid.endsWith('.dir')) - Number(b.oid.endsWith('.dir')));
  const sizes = await Promise.all(missing.map((o) => store.size(o.object)));
  const progress: DataPushProgress = {
    objectsDone: 0,
    objectsTotal: missing.length,
    bytesDone: 0,
    bytesTotal: sizes.reduce<number>((n, s) => n + (s ?? 0), 0),
    current: null,
  };
  onProgress?.({ ...progress });
  for (const [i, o] of missing.entries()) {
    signal?.throwIfAborted();
    const body = await objectBody(store, o);
    onProgress?.({ ...progress, current: o });
    const response = await request(remote, `${remote.base}/${remotePathOf(o)}`, {
      method: 'PUT',
      headers: remote.headers,
      body,
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) {
      const detail = await response.text().catch(() => '');
      throw new DataPushError(o.oid, response.status, detail.slice(0, 200));
    }
    // The server hashed what it received against the name; check it kept all of our bytes.
    const stored = (await response.json().catch(() => ({}))) as { size?: unknown };
    if (typeof stored.size === 'number' && stored.size !== body.size) {
      throw new DataPushError(o.oid, response.status, `stored ${stored.size} of ${body.size} bytes`);
    }
    progress.objectsDone++;
    progress.bytesDone += sizes[i] ?? 0;
    onProgress?.({ ...progress, current: null });
  }
  return missing.length;
}

/** Uploads the objects of the current commit that are on this device and not on the server. */
export async function pushData(
  server: string,
  handle: RepoHandle,
  onProgress?: (p: DataPushProgress) => void,
  signal?: AbortSignal,
): Promise<number> {
  const store = getBlobStore();
  const referenced = await referencedObjects(handle);
  const absent = new Set(await store.missing(referenced.map((o) => o.object)));
  const local = referenced.filter((o) => !absent.has(o.object));
  return pushObjects(await remoteOf(server, handle), store, local, {
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
  });
}
