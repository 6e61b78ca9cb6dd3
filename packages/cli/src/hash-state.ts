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
 * Directories: when every file of a directory was answered from the state, its `.dir` hash is
 * the one computed last time for the same files — as long as none of their entries was
 * recorded anew since. A directory memo lists its files' entries (indices into the columns,
 * in walk order) and the generation at which it was made; building the manifest again (a
 * JSON dump and an MD5 of 10,000 lines) was half of an unchanged status's time.
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
const VERSION = 4;
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
  /** the generation at which the entry was last recorded (see `seq`) */
  gen: number[];
  /** the last generation handed out: it grows by one with every record */
  seq: number;
  dirs: DirMemo[];
}

/** A directory's `.dir` hash and the file entries it was computed from. */
interface DirMemo {
  /** `algorithm:repo/relative/dir` */
  key: string;
  /** indices into the columns, in walk order */
  members: number[];
  /** the generation when it was made: a member recorded later invalidates it */
  gen: number;
  oid: string;
  size: number;
  nfiles: number;
}

/**
 * What an entry is checked against: the file's inode, size and mtime (an `fs.Stats` is one; the
 * walk keeps only these numbers, so 10,000 Stats objects do not outlive the stat call).
 */
export type FileStamp = Pick<fs.Stats, 'ino' | 'size' | 'mtimeMs'>;

/** What a directory memo gives back. */
export interface DirHashMemo {
  oid: string;
  size: number;
  nfiles: number;
}

const emptyColumns = (): Columns => ({
  version: VERSION,
  keys: [],
  ino: [],
  size: [],
  mtime: [],
  md5: [],
  recorded: [],
  gen: [],
  seq: 0,
  dirs: [],
});

export class HashState {
  /** key → index into the columns; built on the first lookup by key (see `findHinted`) */
  private indexByKey: Map<string, number> | null = null;
  private readonly dirIndex = new Map<string, number>();
  private readonly rootPrefix: string;
  private dirty = false;
  /** Lookups answered from the state, and files that had to be hashed: for tests and `--verbose`. */
  hits = 0;
  misses = 0;
  /** Directories whose `.dir` hash came from a memo. */
  dirHits = 0;

  private constructor(
    private readonly file: string,
    private readonly root: string,
    private readonly cols: Columns,
  ) {
    for (const [i, d] of cols.dirs.entries()) this.dirIndex.set(d.key, i);
    this.rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  }

  private get index(): Map<string, number> {
    if (!this.indexByKey) {
      this.indexByKey = new Map();
      const keys = this.cols.keys;
      for (let i = 0; i < keys.length; i++) this.indexByKey.set(keys[i] as string, i);
    }
    return this.indexByKey;
  }

  /** The state of `repo`, empty when there is none yet or it cannot be read. */
  static open(repo: Repo): HashState {
    const file = path.join(repo.tmpDir, FILE);
    let cols = emptyColumns();
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
  lookup(abs: string, algorithm: HashAlgorithm, st: FileStamp): FileHash | undefined {
    const i = this.find(abs, algorithm, st);
    return i < 0 ? undefined : { md5: this.cols.md5[i] as string, size: st.size };
  }

  /** As `lookup`, but the entry's index (for `md5At` and a directory memo), or -1. */
  find(abs: string, algorithm: HashAlgorithm, st: FileStamp): number {
    return this.trustedAt(this.index.get(this.key(abs, algorithm)), st);
  }

  /**
   * As `find`, trying the entry at `hint` first (a directory memo's member for this position in
   * the walk, from `dirMembers`). An unchanged folder is then answered without building the key
   * map or a key string per file: building a map of 10,000 keys and looking each file up in it
   * was a fifth of an unchanged status's work.
   */
  findHinted(abs: string, algorithm: HashAlgorithm, st: FileStamp, hint: number): number {
    const k = this.cols.keys[hint];
    const rel = abs.startsWith(this.rootPrefix) && path.sep === '/' ? this.rootPrefix.length : -1;
    const same =
      k !== undefined &&
      rel >= 0 &&
      k.length === algorithm.length + 1 + abs.length - rel &&
      k.charCodeAt(algorithm.length) === 0x3a &&
      k.startsWith(algorithm) &&
      k.endsWith(abs.slice(rel));
    if (!same) return this.find(abs, algorithm, st);
    return this.trustedAt(hint, st);
  }

  /** The entry at `i` if `st` matches it and it is not racy (counted as a hit), else -1 (a miss). */
  private trustedAt(i: number | undefined, st: FileStamp): number {
    const c = this.cols;
    const trusted =
      i !== undefined &&
      c.ino[i] === st.ino &&
      c.size[i] === st.size &&
      c.mtime[i] === st.mtimeMs &&
      (c.recorded[i] as number) - st.mtimeMs > RACY_WINDOW_MS;
    if (!trusted) {
      this.misses++;
      return -1;
    }
    this.hits++;
    return i;
  }

  /** The entries a directory's memo was made from, in walk order: hints for `findHinted`. */
  dirMembers(abs: string, algorithm: HashAlgorithm): readonly number[] | undefined {
    return this.cols.dirs[this.dirIndex.get(this.key(abs, algorithm)) ?? -1]?.members;
  }

  /** The MD5 of the entry at `i` (from `find`). */
  md5At(i: number): string {
    return this.cols.md5[i] as string;
  }

  /**
   * The `.dir` hash of `abs` remembered for exactly these file entries (`members`, in walk order,
   * each answered by `lookup`), or undefined when the files differ or one was recorded since.
   */
  lookupDir(abs: string, algorithm: HashAlgorithm, members: readonly number[]): DirHashMemo | undefined {
    const d = this.cols.dirs[this.dirIndex.get(this.key(abs, algorithm)) ?? -1];
    if (!d || d.members.length !== members.length) return undefined;
    const gen = this.cols.gen;
    for (let k = 0; k < members.length; k++) {
      const m = members[k] as number;
      if (d.members[k] !== m || (gen[m] as number) > d.gen) return undefined;
    }
    this.dirHits++;
    return { oid: d.oid, size: d.size, nfiles: d.nfiles };
  }

  /** Remembers the `.dir` hash of `abs` as computed from the entries `members` (walk order). */
  recordDir(abs: string, algorithm: HashAlgorithm, members: number[], memo: DirHashMemo): void {
    const key = this.key(abs, algorithm);
    const d: DirMemo = { key, members, gen: this.cols.seq, ...memo };
    const i = this.dirIndex.get(key);
    if (i === undefined) {
      this.dirIndex.set(key, this.cols.dirs.length);
      this.cols.dirs.push(d);
    } else this.cols.dirs[i] = d;
    this.dirty = true;
  }

  /** Remembers `hash` for `abs` as hashed when it had the stats `st`; returns the entry's index. */
  record(abs: string, algorithm: HashAlgorithm, st: FileStamp, hash: FileHash, now = Date.now()): number {
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
    c.gen[i] = ++c.seq;
    this.dirty = true;
    return i;
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
        gen: pick(c.gen),
        seq: c.seq,
        // Indices moved: the directory memos are rebuilt on the next full pass.
        dirs: [],
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

// Plain loops: the state of a 10,000-file folder is validated on every run.
function isNumbers(xs: unknown, n: number): boolean {
  if (!Array.isArray(xs) || xs.length !== n) return false;
  for (let i = 0; i < n; i++) if (typeof xs[i] !== 'number' || !Number.isFinite(xs[i])) return false;
  return true;
}

const MD5_HEX = /^[0-9a-f]{32}$/;

function isHashes(xs: unknown, n: number): boolean {
  if (!Array.isArray(xs) || xs.length !== n) return false;
  for (let i = 0; i < n; i++) if (typeof xs[i] !== 'string' || !MD5_HEX.test(xs[i])) return false;
  return true;
}

function isStrings(xs: unknown[]): boolean {
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'string') return false;
  return true;
}

function isColumns(v: unknown): v is Columns {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Partial<Columns>;
  if (c.version !== VERSION || !Array.isArray(c.keys)) return false;
  const n = c.keys.length;
  return (
    isStrings(c.keys) &&
    isNumbers(c.ino, n) &&
    isNumbers(c.size, n) &&
    isNumbers(c.mtime, n) &&
    isNumbers(c.recorded, n) &&
    isNumbers(c.gen, n) &&
    typeof c.seq === 'number' &&
    Array.isArray(c.dirs) &&
    c.dirs.every((d) => isDirMemo(d, n)) &&
    isHashes(c.md5, n)
  );
}

function isDirMemo(v: unknown, entries: number): v is DirMemo {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<DirMemo>;
  return (
    typeof d.key === 'string' &&
    typeof d.oid === 'string' &&
    typeof d.size === 'number' &&
    typeof d.nfiles === 'number' &&
    typeof d.gen === 'number' &&
    Array.isArray(d.members) &&
    d.members.every((m) => Number.isInteger(m) && m >= 0 && m < entries)
  );
}
