/**
 * The bytes of one listed file as a Blob, wherever they are: a git blob, or tracked data from
 * the data cache — fetched from the DVC remote first when it is not on this device (and kept,
 * as every opened file is). For the gallery's thumbnails and the image viewer's neighbours.
 */
import { readBlobBytes } from '../git/read-blob.ts';
import { dataObjectId, getBlobStore } from '../storage/blobs.ts';
import { fileFromStore } from '../viewers/view-file.ts';
import { ensureDataObject } from './data-fetch.ts';
import type { BrowseEntry } from './dvc-overlay.ts';
import type { RepoSession } from './repo-session.ts';

/** What identifies the entry's bytes across folders and commits (equal bytes, one key). */
export function entryKey(entry: BrowseEntry): string {
  return entry.source === 'git' ? `git/${entry.oid}` : dataObjectId(entry.oid, entry.legacy ?? false);
}

/** @throws DataFetchError when data is neither on this device nor reachable, or the signal's reason */
export async function entryBytes(session: RepoSession, entry: BrowseEntry, signal?: AbortSignal): Promise<Blob> {
  if (entry.source === 'git')
    return new Blob([(await readBlobBytes(session.ctx, entry.oid)) as Uint8Array<ArrayBuffer>]);
  const legacy = entry.legacy ?? false;
  await ensureDataObject(session.handle, entry.oid, legacy, undefined, signal);
  const file = await fileFromStore(getBlobStore(), entry.path, dataObjectId(entry.oid, legacy));
  if (!file) throw new Error('the data vanished from this device while opening');
  return file.blob();
}
