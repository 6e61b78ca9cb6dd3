import { BlobStorageFullError, BlobStoreUnavailableError } from './blob-store.ts';

/* Failures of an S3-compatible store as Cairn's typed errors, shared by the S3 blob and artifact stores. */

/** Runs one S3 call, turning the store's failures into Cairn's typed errors. */
export async function s3Send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw s3StoreError(err);
  }
}

export function s3StatusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** A full bucket or cluster is "storage full" (507); anything else the store did is "unavailable" (503). */
export function s3StoreError(err: unknown): Error {
  if (err instanceof BlobStorageFullError || err instanceof BlobStoreUnavailableError) return err;
  const name = (err as { name?: string; Code?: string })?.name ?? 'Error';
  if (['QuotaExceeded', 'InsufficientCapacity', 'InsufficientStorage'].includes(name) || s3StatusOf(err) === 507) {
    return new BlobStorageFullError();
  }
  const status = s3StatusOf(err);
  const code = (err as { code?: string })?.code;
  return new BlobStoreUnavailableError({
    cause: `${status ? `S3 ${status} ` : ''}${name}${code && code !== name ? ` ${code}` : ''}: ${String((err as Error)?.message ?? err).slice(0, 200)}`,
  });
}
