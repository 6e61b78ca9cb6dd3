import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';

/**
 * Names of the disk blob store's upload temp files, and which of them a start-up sweep may remove.
 *
 * Several processes may share one blob folder (issue 15), so a sweep must not remove a temp file
 * another process is still writing. A temp file is `.tmp-HOST-PID-RANDOM` (HOST: 8 hex digits of
 * the host name's hash, the same on every process of a machine) and is left over when either
 * - it was not written to for `staleAfterMs` (a day by default, as the S3 store's sweep of
 *   multipart uploads): an upload in progress moves its file's mtime with every write, and one
 *   stalled for a day has long been given up by its client; or
 * - its writer is gone: written on this host by a process id that no longer runs, or by this
 *   process's own id before this process started (a previous run, after a reboot recycled ids).
 * The process check is only ever trusted on the same host: a process id of another machine
 * sharing the folder says nothing here, so those temp files wait for the age rule.
 */

const HOST = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8);
const OWNED = /^\.tmp-([0-9a-f]{8})-(\d+)-/;
/** When this process started, ms since the epoch. */
const STARTED_AT = Date.now() - process.uptime() * 1000;

/** A fresh temp file name for an upload by this process. */
export function uploadTempName(): string {
  return `.tmp-${HOST}-${process.pid}-${randomBytes(8).toString('hex')}`;
}

export function isUploadTempName(name: string): boolean {
  return name.startsWith('.tmp-');
}

/** True when the temp file `name`, last written at `mtimeMs`, belongs to no upload in progress. */
export function isAbandonedUploadTemp(name: string, mtimeMs: number, staleAfterMs: number, now: number): boolean {
  if (mtimeMs <= now - staleAfterMs) return true;
  const owner = OWNED.exec(name);
  if (!owner || owner[1] !== HOST) return false;
  const pid = Number(owner[2]);
  if (pid === process.pid) return mtimeMs < STARTED_AT;
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
