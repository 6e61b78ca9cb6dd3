import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { FileHasher, type HashAlgorithm } from '@cairn/core';

/**
 * The files of one blob area (`ROOT/ab/cdef…`), listed and re-hashed. Names are checked against
 * the same shape the store writes; anything else (an upload's `.tmp-` file, a stray file) is
 * reported as foreign, never read as an object.
 */
export interface BlobFile {
  md5: string;
  file: string;
  size: number;
  mtimeMs: number;
}

const FANOUT = /^[0-9a-f]{2}$/;
const REST = /^[0-9a-f]{30}$/;

export async function listBlobFiles(root: string): Promise<{ blobs: BlobFile[]; foreign: string[] }> {
  const blobs: BlobFile[] = [];
  const foreign: string[] = [];
  let fanout: string[];
  try {
    fanout = (await fsp.readdir(root)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { blobs, foreign };
    throw err;
  }
  for (const sub of fanout) {
    const dir = path.join(root, sub);
    if (!FANOUT.test(sub)) {
      foreign.push(dir);
      continue;
    }
    for (const name of (await fsp.readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const st = await fsp.lstat(file);
      if (!REST.test(name) || !st.isFile()) {
        foreign.push(file);
        continue;
      }
      blobs.push({ md5: sub + name, file, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return { blobs, foreign };
}

/** Node's OpenSSL MD5 in core's `Md5` shape. */
function nodeMd5() {
  const h = createHash('md5');
  return { update: (data: Uint8Array) => void h.update(data), hex: () => h.digest('hex') };
}

/** The name a file's bytes hash to under `algorithm` (core's DVC-exact hasher), streamed. */
export async function hashFile(file: string, algorithm: HashAlgorithm): Promise<{ md5: string; size: number }> {
  return hashStream(fs.createReadStream(file, { highWaterMark: 1 << 20 }), algorithm);
}

/** The same for bytes from anywhere (an S3 object's body). */
export async function hashStream(
  source: AsyncIterable<unknown>,
  algorithm: HashAlgorithm,
): Promise<{ md5: string; size: number }> {
  const hasher = new FileHasher(nodeMd5(), algorithm);
  for await (const chunk of source) hasher.push(chunk as Buffer);
  return hasher.finish();
}
