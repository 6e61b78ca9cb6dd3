/**
 * Atomic file writes: a temporary file in the destination's own directory, fsync'd, then
 * renamed over the target — a reader sees the old file or the whole new one, never half.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function tempNameFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** Writes `data` to `target` atomically. `fsync: false` skips the flush (cache objects are verifiable). */
export function writeFileAtomic(
  target: string,
  data: Uint8Array | string,
  opts: { mode?: number; fsync?: boolean } = {},
): void {
  const tmp = tempNameFor(target);
  const fd = fs.openSync(tmp, 'w', opts.mode ?? 0o644);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (opts.fsync !== false) fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Copies `src` to `target` atomically (a reflink where the file system offers one). */
export function copyFileAtomic(src: string, target: string, opts: { mode?: number; fsync?: boolean } = {}): void {
  const tmp = tempNameFor(target);
  try {
    fs.copyFileSync(src, tmp, fs.constants.COPYFILE_FICLONE);
    if (opts.mode !== undefined) fs.chmodSync(tmp, opts.mode);
    if (opts.fsync !== false) {
      const fd = fs.openSync(tmp, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
