import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { finished, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileHasher, type HashAlgorithm, MD5_HEX } from '@cairn/core';
import {
  BlobHashMismatchError,
  BlobKeyError,
  BlobStorageFullError,
  type BlobStore,
  BlobTooLargeError,
} from './blob-store.ts';
import { isAbandonedUploadTemp, isUploadTempName, uploadTempName } from './upload-temp-names.ts';

export interface DiskBlobStoreOptions {
  /** `md5` (DVC 3) or `md5-dos2unix` (DVC 2 legacy objects). */
  algorithm?: HashAlgorithm;
  /** `sweep` removes temp files untouched for this long whatever their writer (upload-temp-names.ts). */
  staleAfterMs?: number;
  now?: () => number;
}

/**
 * BlobStore on the local disk: `ROOT/ab/cdef…` (the first two hex digits fan out folders, as in
 * DVC's cache). A write goes to `ROOT/ab/.tmp-HOST-PID-RANDOM` in the same folder, is hashed while it
 * streams, fsynced, renamed over its final name and the folder fsynced — so a name holds either
 * nothing or the complete, verified bytes, even if the process is killed at any point.
 * Temp names start with `.`, which no valid key does, so they can never be served. `sweep` removes
 * only temp files no upload is writing any more: another process may share the folder.
 */
export function makeDiskBlobStore(root: string, opts: DiskBlobStoreOptions = {}): BlobStore {
  const algorithm = opts.algorithm ?? 'md5';
  const staleAfterMs = opts.staleAfterMs ?? 24 * 3600 * 1000;
  const now = opts.now ?? Date.now;
  const fileOf = (md5: string): string => {
    if (!MD5_HEX.test(md5)) throw new BlobKeyError({ key: md5 });
    return path.join(root, md5.slice(0, 2), md5.slice(2));
  };

  return {
    async stat(md5) {
      try {
        const s = await fsp.stat(fileOf(md5));
        return s.isFile() ? { size: s.size } : null;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },

    read(md5, range) {
      // 1 MiB reads: fewer syscalls and event-loop turns per byte served.
      return fs.createReadStream(fileOf(md5), {
        highWaterMark: 1 << 20,
        ...(range ? { start: range.start, end: range.end } : {}),
      });
    },

    async write(md5, source, limits = {}) {
      // Until the pipeline below takes over, an error of the source (a client hanging up while the
      // folder is made) must not go unheard: unheard stream errors end the process.
      source.on('error', () => {});
      const final = fileOf(md5);
      const dir = path.dirname(final);
      await fsp.mkdir(dir, { recursive: true });
      const temp = path.join(dir, uploadTempName());
      const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
      // Keys are the md5 of the bytes, or for DVC 2's legacy objects md5-dos2unix (CRLF→LF in
      // text-looking chunks), which names the raw bytes stored here.
      const hash = algorithm === 'md5' ? createHash('md5') : new FileHasher(nodeMd5(), algorithm);
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) return done(new BlobTooLargeError({ maxBytes }));
          if (hash instanceof FileHasher) hash.push(chunk);
          else hash.update(chunk);
          done(null, chunk);
        },
      });
      const handle = await fsp.open(temp, 'wx', 0o644);
      let closed = false;
      try {
        // The source is piped in rather than made part of the pipeline: when writing fails (a
        // full disk), the pipeline would destroy it, and with it an HTTP request's connection,
        // before the caller can answer 507. The caller drains or closes it instead.
        const written = pipeline(meter, fileSink(handle));
        // finished() also reports a source that failed or was cut before this point.
        finished(source, (err) => {
          if (err) meter.destroy(err);
        });
        source.pipe(meter);
        await written;
        const actual = hash instanceof FileHasher ? hash.finish().md5 : hash.digest('hex');
        if (actual !== md5) throw new BlobHashMismatchError({ expected: md5, actual, size });
        await handle.sync();
        await handle.close();
        closed = true;
        // Another upload of the same bytes may have finished first: identical content, keep it,
        // and freshen its time so a GC running now sees it in use (ops/gc.ts). If GC has just
        // taken it away, this upload puts it back.
        if (await freshen(final)) {
          await fsp.rm(temp, { force: true });
          return { size, created: false };
        }
        await fsp.rename(temp, final);
        await syncDir(dir);
        return { size, created: true };
      } catch (err) {
        if (!closed) await handle.close().catch(() => {});
        await fsp.rm(temp, { force: true }).catch(() => {});
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStorageFullError();
        throw err;
      }
    },

    touch(md5) {
      return freshen(fileOf(md5));
    },

    async sweep() {
      const at = now();
      let removed = 0;
      let fanout: string[];
      try {
        fanout = await fsp.readdir(root);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
        throw err;
      }
      for (const sub of fanout) {
        if (!/^[0-9a-f]{2}$/.test(sub)) continue;
        for (const name of await fsp.readdir(path.join(root, sub))) {
          if (!isUploadTempName(name)) continue;
          const file = path.join(root, sub, name);
          const mtimeMs = await fsp.stat(file).then(
            (s) => s.mtimeMs,
            () => null, // renamed or removed by its writer meanwhile
          );
          if (mtimeMs === null || !isAbandonedUploadTemp(name, mtimeMs, staleAfterMs, at)) continue;
          await fsp.rm(file, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

/** Node's OpenSSL MD5 in core's `Md5` shape. */
function nodeMd5() {
  const h = createHash('md5');
  return { update: (data: Uint8Array) => void h.update(data), hex: () => h.digest('hex') };
}

/** Sets the file's times to now; false when it does not exist. */
async function freshen(file: string): Promise<boolean> {
  try {
    const now = new Date();
    await fsp.utimes(file, now, now);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Writes into an open file handle, batching buffered chunks into one writev; the caller closes it. */
function fileSink(handle: fsp.FileHandle): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, done) {
      writeAll(handle, chunk).then(() => done(), done);
    },
    writev(chunks, done) {
      const buffers = chunks.map((c) => c.chunk as Buffer);
      handle
        .writev(buffers)
        .then(({ bytesWritten }) => {
          const total = buffers.reduce((n, b) => n + b.length, 0);
          // A short write (the disk filled up) leaves the rest to write, or to fail with ENOSPC.
          return bytesWritten < total ? writeAll(handle, Buffer.concat(buffers).subarray(bytesWritten)) : undefined;
        })
        .then(() => done(), done);
    },
  });
}

/**
 * Writes every byte of `buf`. `write` may write fewer bytes than asked without an error (a disk
 * filling up does that); ignoring it would store a truncated object under a name it does not
 * hash to. The next write then fails with ENOSPC, which the caller answers as 507.
 */
async function writeAll(handle: fsp.FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await handle.write(buf, offset, buf.length - offset);
    if (bytesWritten === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    offset += bytesWritten;
  }
}

/** fsync a folder so a rename inside it survives a power cut. */
async function syncDir(dir: string): Promise<void> {
  const h = await fsp.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
