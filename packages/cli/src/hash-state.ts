/**
 * Remembered file hashes, so a second `cairn status` over an unchanged workspace reads stats
 * instead of bytes — what DVC's state database does. An entry is keyed by the file's
 * repository-relative path and algorithm and holds the inode, size and mtime it was hashed at
 * (mtime in ms with the sub-millisecond fraction Linux gives, so two writes in one second still
 * differ); any difference means the file is hashed again.
 *
 * Racy files: a file written in the same clock tick as its entry was recorded could be rewritten
 * with the same size and the same mtime (a filesystem with 1-second timestamps, or a fast
 * rewrite). Like git's racy-clean rule, an entry whose mtime is within RACY_WINDOW_MS of the
 * moment it was recorded is never trusted: that file is hashed again (and recorded anew) until
 * its mtime is safely older than the record.
 *
 * The state lives in `.dvc/tmp/cairn-hashes.json`, written atomically; it is only a cache, so a
 * missing, damaged or foreign file is ignored and replaced.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FileHash, HashAlgorithm } from '@cairn/core';
import { writeFileAtomic } from './atomic-write.ts';
import type { Repo } from './repo.ts';

const FILE = 'cairn-hashes.json';
const VERSION = 3;
/** Larger than any filesystem's timestamp granularity in use (FAT's 2 s). */
export const RACY_WINDOW_MS = 2_500;
/** Entries kept at most; past it the oldest records are dropped. */
const MAX_ENTRIES = 1_000_000;

/**
 * The file's shape: one array per field rather than one object per file, so reading 10,000
 * entries allocates a few arrays instead of 10,000 (the parse and its garbage were most of a
 * second status's time).
 */
interface Columns {
  version: number;
  /** `algorithm:repo/relative/path` */
  keys: string[];
  ino: number[];
  size: number[];
  /** ms, with the sub-millisecond fraction Linux gives */
  mtime: number[];
  md5: string[];
  /** when the entry was recorded (ms) */
  recorded: number[];
}

export class HashState {
  /** key → index into the columns */
  private readonly index = new Map<string, number>();
  private readonly rootPrefix: string;
  private dirty = false;
  /** Lookups answered from the state, and files that had to be hashed: for tests and `--verbose`. */
  hits = 0;
  misses = 0;

  private constructor(
    private readonly file: string,
    private readonly root: string,
    private readonly cols: Columns,
  ) {
    for (const [i, k] of cols.keys.entries()) this.index.set(k, i);
    this.rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  }

  /** The state of `repo`, empty when there is none yet or it cannot be read. */
  static open(repo: Repo): HashState {
    const file = path.join(repo.tmpDir, FILE);
    let cols: Columns = { version: VERSION, keys: [], ino: [], size: [], mtime: [], md5: [], recorded: [] };
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (isColumns(parsed)) cols = parsed;
    } catch {
      // No state yet, or damaged: start empty; it is rewritten whole on save.
    }
    return new HashState(file, repo.root, cols);
  }

  private key(abs: string, algorithm: HashAlgorithm): string {
    // Walked paths are under the root: slicing is much cheaper than path.relative per file.
    const rel = abs.startsWith(this.rootPrefix) ? abs.slice(this.rootPrefix.length) : path.relative(this.root, abs);
    return `${algorithm}:${path.sep === '/' ? rel : rel.split(path.sep).join('/')}`;
  }

  /** The remembered hash of `abs` if its stats are those it was hashed at and it is not racy. */
  lookup(abs: string, algorithm: HashAlgorithm, st: fs.Stats): FileHash | undefined {
    const i = this.index.get(this.key(abs, algorithm));
    const c = this.cols;
    const trusted =
      i !== undefined &&
      c.ino[i] === st.ino &&
      c.size[i] === st.size &&
      c.mtime[i] === st.mtimeMs &&
      (c.recorded[i] as number) - st.mtimeMs > RACY_WINDOW_MS;
    if (!trusted) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return { md5: c.md5[i] as string, size: st.size };
  }

  /** Remembers `hash` for `abs` as hashed when it had the stats `st`. */
  record(abs: string, algorithm: HashAlgorithm, st: fs.Stats, hash: FileHash, now = Date.now()): void {
    const key = this.key(abs, algorithm);
    const c = this.cols;
    let i = this.index.get(key);
    if (i === undefined) {
      i = c.keys.length;
      c.keys.push(key);
      this.index.set(key, i);
    }
    c.ino[i] = st.ino;
    c.size[i] = st.size;
    c.mtime[i] = st.mtimeMs;
    c.md5[i] = hash.md5;
    c.recorded[i] = now;
    this.dirty = true;
  }

  /** Writes the state if anything was recorded; a failure to write only costs speed next time. */
  save(): void {
    if (!this.dirty) return;
    let c = this.cols;
    if (c.keys.length > MAX_ENTRIES) {
      // Keep the most recently recorded.
      const keep = c.keys
        .map((_, i) => i)
        .sort((a, b) => (c.recorded[b] as number) - (c.recorded[a] as number))
        .slice(0, MAX_ENTRIES);
      const pick = <T>(xs: T[]) => keep.map((i) => xs[i] as T);
      c = {
        version: VERSION,
        keys: pick(c.keys),
        ino: pick(c.ino),
        size: pick(c.size),
        mtime: pick(c.mtime),
        md5: pick(c.md5),
        recorded: pick(c.recorded),
      };
    }
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileAtomic(this.file, JSON.stringify(c), { fsync: false });
      this.dirty = false;
    } catch {
      // Read-only workspace or full disk: the hashes are recomputed next time.
    }
  }
}

const isNumbers = (xs: unknown, n: number) =>
  Array.isArray(xs) && xs.length === n && xs.every((x) => typeof x === 'number' && Number.isFinite(x));

function isColumns(v: unknown): v is Columns {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<Columns>;
  if (c.version !== VERSION || !Array.isArray(c.keys)) return false;
  const n = c.keys.length;
  return (
    c.keys.every((k) => typeof k === 'string') &&
    isNumbers(c.ino, n) &&
    isNumbers(c.size, n) &&
    isNumbers(c.mtime, n) &&
    isNumbers(c.recorded, n) &&
    Array.isArray(c.md5) &&
    c.md5.length === n &&
    c.md5.every((h) => typeof h === 'string' && /^[0-9a-f]{32}$/.test(h))
  );
}
