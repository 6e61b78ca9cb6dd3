/**
 * Whether an error means the disk (or the quota) is full: ENOSPC/EDQUOT from the file system,
 * SQLITE_FULL from the database. Such requests are answered 507 Insufficient Storage (RFC 4918)
 * rather than 500, so a client knows to retry later and an operator knows what to fix.
 */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

export const DISK_FULL_MESSAGE = 'The server is out of storage space; nothing was saved. Try again later.';
