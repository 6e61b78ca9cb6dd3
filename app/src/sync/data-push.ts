/**
 * Data push: asks the server which of the objects a repository needs it lacks (one batch
 * call), then uploads only those to the DVC remote, files before `.dir` manifests (as DVC
 * does), each with its own request so an interrupted push resumes where it stopped.
 */
import { authHeaders } from '../git/clone.ts';
import { AuthRequiredError, ServerUnreachableError } from '../git/errors.ts';
import { dvcRemoteUrl } from '../git/urls.ts';
import { getBlobStore } from '../storage/blobs.ts';
import type { RepoHandle } from '../storage/repo-handle.ts';
import { type ReferencedObject, referencedObjects } from './referenced-objects.ts';

export interface DataPushProgress {
  objectsDone: number;
  objectsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export class DataPushError extends Error {
  readonly code = 'data-push-failed' as const;
  constructor(
    readonly oid: string,
    readonly status: number,
  ) {
    super(`The server refused data object ${oid} (${status}).`);
    this.name = 'DataPushError';
  }
}

export function objectPath(oid: string, legacy: boolean): string {
  const tail = `${oid.slice(0, 2)}/${oid.slice(2)}`;
  return legacy ? tail : `files/md5/${tail}`;
}

async function request(server: string, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ServerUnreachableError(server, { cause: error });
  }
  if (response.status === 401 || response.status === 403) throw new AuthRequiredError(server);
  return response;
}

/** Which of `objects` the server's DVC remote lacks: the batch call, or one HEAD each on older servers. */
export async function missingOnServer(
  server: string,
  handle: RepoHandle,
  objects: readonly ReferencedObject[],
): Promise<ReferencedObject[]> {
  if (objects.length === 0) return [];
  const base = dvcRemoteUrl(server, handle.owner, handle.repo);
  const headers = await authHeaders(server);
  const batch = await request(server, `${base}/missing`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ oids: objects.map((o) => o.oid) }),
  });
  if (batch.ok) {
    const body = (await batch.json()) as { missing?: unknown };
    const missing = new Set(Array.isArray(body.missing) ? body.missing : []);
    return objects.filter((o) => missing.has(o.oid));
  }
  const result: ReferencedObject[] = [];
  for (const o of objects) {
    const head = await request(server, `${base}/${objectPath(o.oid, o.legacy)}`, { method: 'HEAD', headers });
    if (head.status === 404) result.push(o);
  }
  return result;
}

/** Uploads the objects the server lacks. Resolves with how many were sent. */
export async function pushData(
  server: string,
  handle: RepoHandle,
  onProgress?: (p: DataPushProgress) => void,
): Promise<number> {
  const store = getBlobStore();
  const referenced = await referencedObjects(handle);
  const local: ReferencedObject[] = [];
  for (const o of referenced) if (await store.has(o.oid)) local.push(o);
  const missing = await missingOnServer(server, handle, local);
  // Files first, manifests last: a server never holds a manifest whose files it lacks.
  missing.sort((a, b) => Number(a.oid.endsWith('.dir')) - Number(b.oid.endsWith('.dir')));
  const sizes = await Promise.all(missing.map((o) => store.size(o.oid)));
  const progress: DataPushProgress = {
    objectsDone: 0,
    objectsTotal: missing.length,
    bytesDone: 0,
    bytesTotal: sizes.reduce<number>((n, s) => n + (s ?? 0), 0),
  };
  onProgress?.({ ...progress });
  const base = dvcRemoteUrl(server, handle.owner, handle.repo);
  const headers = await authHeaders(server);
  for (const [i, o] of missing.entries()) {
    // Chromium streams request bodies only over HTTP/2, so the body is a Blob. Each chunk becomes
    // a Blob of its own as it is read, handing the bytes to the browser's blob storage (which
    // pages large blobs to disk) so a multi-gigabyte object never sits whole in the JS heap.
    const parts: Blob[] = [];
    for await (const chunk of store.chunks(o.oid)) parts.push(new Blob([chunk as BlobPart]));
    const body = new Blob(parts, { type: 'application/octet-stream' });
    const response = await request(server, `${base}/${objectPath(o.oid, o.legacy)}`, {
      method: 'PUT',
      headers,
      body,
    });
    if (!response.ok) throw new DataPushError(o.oid, response.status);
    progress.objectsDone++;
    progress.bytesDone += sizes[i] ?? 0;
    onProgress?.({ ...progress });
  }
  return missing.length;
}
