/**
 * Writes git's index (`.git/index`, the staging area: "DIRC" version 2, gitformat-index(5)) for
 * a freshly checked-out tree: one entry per file with the stat data it was written with, so git
 * and isomorphic-git see every file as unchanged without hashing it again. Times and ids are
 * cut to 32 bits and nanoseconds derived from milliseconds exactly as isomorphic-git does when
 * it compares them (its normalizeStats).
 */
import { createSHA1 } from 'hash-wasm';

export interface GitIndexEntry {
  /** Path from the repository root, POSIX separators. */
  path: string;
  /** Blob (or submodule commit) id, 40 hex digits. */
  oid: string;
  /** git's mode: 0o100644, 0o100755, 0o120000 (symlink) or 0o160000 (submodule). */
  mode: number;
  size: number;
  ctimeMs: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  uid: number;
  gid: number;
}

const encoder = new TextEncoder();
const U32 = 2 ** 32;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d) return d;
  }
  return a.length - b.length;
}

function secondsAndNanos(ms: number): [number, number] {
  const seconds = Math.floor(ms / 1000);
  return [seconds % U32, Math.floor((ms - seconds * 1000) * 1_000_000) % U32];
}

export async function writeGitIndex(entries: readonly GitIndexEntry[]): Promise<Uint8Array> {
  const named = entries.map((e) => ({ e, path: encoder.encode(e.path) })).sort((a, b) => compareBytes(a.path, b.path));
  const lengths = named.map(({ path }) => Math.ceil((62 + path.length + 1) / 8) * 8);
  const bodyLength = 12 + lengths.reduce((n, l) => n + l, 0);
  const out = new Uint8Array(bodyLength + 20);
  const view = new DataView(out.buffer);
  out.set(encoder.encode('DIRC'), 0);
  view.setUint32(4, 2);
  view.setUint32(8, named.length);
  let at = 12;
  named.forEach(({ e, path }, i) => {
    const [cs, cn] = secondsAndNanos(e.ctimeMs);
    const [ms, mn] = secondsAndNanos(e.mtimeMs);
    const fields = [cs, cn, ms, mn, e.dev % U32, e.ino % U32, e.mode, e.uid % U32, e.gid % U32, e.size % U32];
    for (let k = 0; k < fields.length; k++) view.setUint32(at + 4 * k, fields[k] as number);
    for (let k = 0; k < 20; k++) out[at + 40 + k] = Number.parseInt(e.oid.slice(2 * k, 2 * k + 2), 16);
    view.setUint16(at + 60, Math.min(path.length, 0xfff));
    out.set(path, at + 62);
    at += lengths[i] as number;
  });
  const sha = await createSHA1();
  sha.init();
  sha.update(out.subarray(0, bodyLength));
  out.set(sha.digest('binary'), bodyLength);
  return out;
}
