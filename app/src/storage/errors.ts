/**
 * Typed errors of browser storage. The UI maps `code` to a message; nobody matches on text.
 */
import { CairnError } from '@cairn/core/errors';

/** The browser refused to store more (IndexedDB `QuotaExceededError`). What was stored before is intact. */
export class StorageFullError extends CairnError<'storage_full'> {
  /** What was being saved when the browser said no, in words a person can act on. */
  readonly what: string;
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      'storage_full',
      `The browser's storage is full: ${what} was not saved. Free space or delete a local copy, then retry.`,
      { what },
      options,
    );
    this.name = 'StorageFullError';
    this.what = what;
  }
}

/** A name that cannot be used as a repository owner or name. */
export class InvalidRepoNameError extends CairnError<'invalid_repo_name'> {
  constructor(readonly value: string) {
    super(
      'invalid_repo_name',
      `"${value}" is not a valid name: use letters, digits, '.', '-' or '_' (1–100 characters, not starting with '.').`,
    );
    this.name = 'InvalidRepoNameError';
  }
}

/**
 * A data-cache id that is not `md5/` or `md5-dos2unix/` followed by a DVC oid (32 lowercase hex
 * digits, optionally followed by `.dir`).
 */
export class InvalidOidError extends CairnError<'invalid_oid'> {
  constructor(readonly value: string) {
    super(
      'invalid_oid',
      `"${value}" is not a data object id (md5/ or md5-dos2unix/, then 32 lowercase hex digits, optionally with ".dir").`,
    );
    this.name = 'InvalidOidError';
  }
}

/** True when an error (or any error it wraps, as Dexie does) is the browser's quota error. */
export function isQuotaError(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'QuotaExceededError') return true;
    const inner = (e as { inner?: unknown; cause?: unknown }).inner ?? (e as { cause?: unknown }).cause;
    e = inner;
  }
  return false;
}

/** Runs a storage write; a quota failure becomes a `StorageFullError` naming `what`. */
export async function guardQuota<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaError(error)) throw new StorageFullError(what, { cause: error });
    throw error;
  }
}
