/** The app's shared data cache: one DexieBlobStore over the app database. */
import type { BlobStore } from './blob-store.ts';
import { getDb } from './db.ts';
import { DexieBlobStore } from './dexie-blob-store.ts';

export type { BlobStore, BlobWriter, ObjectId } from './blob-store.ts';
export { BlobNotFoundError, dataObjectId, OID_PATTERN, objectId } from './blob-store.ts';

let store: BlobStore | null = null;

/** The data cache shared by every repository on this device (and by workers of this origin). */
export function getBlobStore(): BlobStore {
  store ??= new DexieBlobStore(getDb());
  return store;
}
