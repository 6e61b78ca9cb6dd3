/**
 * Which files differ between two trees, as `git diff-tree -r` (no rename detection; a change of
 * mode alone is not a change of content, so it is not listed). Works on the raw tree objects:
 * both are sorted in git's order, so one merge pass pairs their entries and compares names and
 * 20-byte ids in place — strings are made only for entries that changed, and subtrees with
 * equal ids are never read. A commit that touches one file of 2,000 reads only the trees on that
 * file's path. (Parsing every entry into objects first made a 3,000-commit log with counts spend
 * most of its time building names and hex ids it then threw away.)
 */
import { bytesToHex, GitObjectError } from './git-objects.ts';
import type { GitTreeEntry } from './git-reader.ts';

export interface FileChange {
  /** Path from the repository root, POSIX separators. */
  path: string;
  kind: 'added' | 'modified' | 'deleted';
  /** Blob id before (null when added) and after (null when deleted). */
  before: string | null;
  after: string | null;
}

/**
 * A tree object's raw content by id (`<mode> <name>\0<20-byte id>` entries); the bytes themselves
 * when they are at hand (a cached or packed tree), so a diff awaits only trees that must be read.
 */
export type ReadTreeBytes = (oid: string) => Uint8Array | Promise<Uint8Array>;
/**
 * A subtree by the 20-byte id at `ids[at]` (its entry in the parent tree), when it can be had
 * without making the id a string (a packed tree); undefined sends the diff to ReadTreeBytes.
 */
export type ReadTreeById = (ids: Uint8Array, at: number) => Uint8Array | undefined;
/** A tree's parsed entries by id. */
export type ReadTree = (oid: string) => Promise<readonly GitTreeEntry[]>;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');

/** One entry's positions in a raw tree: mode at `at`, name from `name` to `nul`, id after `nul`. */
interface Cursor {
  at: number;
  name: number;
  nul: number;
  /** 0 blob (or symlink), 1 tree, 2 gitlink. */
  kind: number;
}

function readEntry(b: Uint8Array, at: number, c: Cursor): boolean {
  const end = b.length;
  if (at >= end) return false;
  let space = at;
  while (space < end && b[space] !== 0x20) space++;
  let nul = space + 1;
  while (nul < end && b[nul] !== 0) nul++;
  if (space >= end || nul + 21 > end) throw new GitObjectError('malformed tree entry');
  c.at = at;
  c.name = space + 1;
  c.nul = nul;
  const c0 = b[at] as number;
  c.kind = space - at === 5 && c0 === 0x34 ? 1 : c0 === 0x31 && b[at + 1] === 0x36 ? 2 : 0;
  return true;
}

/** git's tree order: names by bytes, a tree's name as if it ended in '/'. */
function compareNames(l: Uint8Array, lc: Cursor, r: Uint8Array, rc: Cursor): number {
  const ln = lc.nul - lc.name;
  const rn = rc.nul - rc.name;
  const n = Math.min(ln, rn);
  for (let k = 0; k < n; k++) {
    const d = (l[lc.name + k] as number) - (r[rc.name + k] as number);
    if (d !== 0) return d;
  }
  const lNext = ln > n ? (l[lc.name + n] as number) : lc.kind === 1 ? 0x2f : 0;
  const rNext = rn > n ? (r[rc.name + n] as number) : rc.kind === 1 ? 0x2f : 0;
  return lNext - rNext;
}

function sameId(l: Uint8Array, lAt: number, r: Uint8Array, rAt: number): boolean {
  for (let k = 0; k < 20; k++) if (l[lAt + k] !== r[rAt + k]) return false;
  return true;
}

/**
 * Where the run of entries that are byte for byte the same (mode, name and id) from `li` in `l`
 * and `ri` in `r` ends in `l` (`li` itself when the first entries differ). Most of two trees a
 * commit apart is such a run: it is found four bytes at a time, then cut back to the last whole
 * entry (the NUL after each name is found natively) — a byte-by-byte loop that also looked for
 * entry ends took ~3.5 ns a byte, a third of a 3,000-commit log with counts.
 */
function sameRunEnd(
  l: Uint8Array,
  lw: Uint32Array | null,
  li: number,
  r: Uint8Array,
  rw: Uint32Array | null,
  ri: number,
): number {
  const n = Math.min(l.length - li, r.length - ri);
  let k = 0;
  if (lw && rw && ((li - ri) & 3) === 0) {
    // Both at the same place in a word (a changed id moves nothing): to a word boundary by byte,
    // then four bytes a step, as plain loads.
    while (k < n && ((li + k) & 3) !== 0 && l[li + k] === r[ri + k]) k++;
    if (((li + k) & 3) === 0) {
      // The word views cover the trees' whole buffers (see words): offsets from their starts.
      const wl = (l.byteOffset + li + k) >> 2;
      const wr = (r.byteOffset + ri + k) >> 2;
      const words = (n - k) >> 2;
      let w = 0;
      while (w < words && lw[wl + w] === rw[wr + w]) w++;
      k += w * 4;
    }
  }
  while (k < n && l[li + k] === r[ri + k]) k++;
  const stop = li + k;
  // Entry by entry up to `stop`, by a loop: names are short, and indexOf's call cost more than
  // the ten-odd bytes it looked at. An entry's NUL follows its mode (5 or 6 digits), a space and
  // a name, so the look starts 6 bytes in. (A damaged tree with a NUL sooner is still damaged:
  // readEntry refuses it further on, or the diff counts what its bytes say.)
  let at = li;
  for (;;) {
    let nul = at + 6;
    while (nul < stop && l[nul] !== 0) nul++;
    if (nul + 21 > stop) return at;
    at = nul + 21;
  }
}

function nameOf(b: Uint8Array, c: Cursor): string {
  for (let k = c.name; k < c.nul; k++) {
    if ((b[k] as number) >= 0x80) return utf8.decode(b.subarray(c.name, c.nul));
  }
  return String.fromCharCode.apply(null, b.subarray(c.name, c.nul) as unknown as number[]);
}

/** Where a diff's findings go: listed as FileChanges, or only counted (a log page's counts). */
interface Sink {
  changes: FileChange[] | null;
  count: number;
}

function record(
  sink: Sink,
  kind: FileChange['kind'],
  prefix: string,
  side: Uint8Array,
  c: Cursor,
  l: Uint8Array | null,
  lc: Cursor | null,
  r: Uint8Array | null,
  rc: Cursor | null,
) {
  sink.count++;
  if (!sink.changes) return; // counting needs no names or ids
  const name = nameOf(side, c);
  const before = l && lc ? bytesToHex(l, lc.nul + 1, lc.nul + 21) : null;
  const after = r && rc ? bytesToHex(r, rc.nul + 1, rc.nul + 21) : null;
  sink.changes.push({ path: prefix ? `${prefix}/${name}` : name, kind, before, after });
}

function subPath(prefix: string, side: Uint8Array, c: Cursor, sink: Sink): string {
  if (!sink.changes) return ''; // counting needs no names
  const name = nameOf(side, c);
  return prefix ? `${prefix}/${name}` : name;
}

/**
 * The files that differ between tree `a` (null = empty) and tree `b` (null = empty), sorted by
 * path. A file replaced by a folder (or back) counts as deleted plus added; a gitlink (submodule)
 * counts as a file.
 */
export async function diffTrees(
  readTree: ReadTreeBytes,
  a: string | null,
  b: string | null,
  byId?: ReadTreeById,
): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  await collect(readTree, byId, a, b, { changes, count: 0 });
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** How many files differ between two trees: diffTrees(…).length without building the list. */
export async function countChangedFiles(
  readTree: ReadTreeBytes,
  a: string | null,
  b: string | null,
  byId?: ReadTreeById,
): Promise<number> {
  const sink: Sink = { changes: null, count: 0 };
  await collect(readTree, byId, a, b, sink);
  return sink.count;
}

/**
 * Two subtrees still to compare, each by where its id sits in its parent tree (null = absent),
 * and their folder's path. Ids stay bytes: a string is made only if the tree must be read by it.
 */
type Pending = [before: Uint8Array | null, beforeAt: number, after: Uint8Array | null, afterAt: number, path: string];

/**
 * Compares `a` with `b` and every pair of subtrees that differ, depth first, in one loop: an
 * async call per folder level cost more than comparing it, and a tree at hand is not awaited.
 */
async function collect(
  readTree: ReadTreeBytes,
  byId: ReadTreeById | undefined,
  a: string | null,
  b: string | null,
  sink: Sink,
): Promise<void> {
  if (a === b) return;
  const read = async (ids: Uint8Array | null, at: number): Promise<Uint8Array> => {
    if (!ids) return EMPTY;
    const t = byId?.(ids, at) ?? readTree(bytesToHex(ids, at, at + 20));
    return t instanceof Promise ? await t : t;
  };
  let l = a ? readTree(a) : EMPTY;
  if (l instanceof Promise) l = await l;
  let r = b ? readTree(b) : EMPTY;
  if (r instanceof Promise) r = await r;
  const stack: Pending[] = [];
  const below: Pending[] = [];
  let prefix = '';
  for (;;) {
    diffLevel(l, r, prefix, sink, below);
    // Reversed onto the stack, so folders are read in tree order.
    while (below.length > 0) stack.push(below.pop() as Pending);
    const next = stack.pop();
    if (next === undefined) return;
    const [lIds, lAt, rIds, rAt, path] = next;
    // Inline when at hand: an await per subtree cost more than most subtrees' comparison.
    const lHere = lIds ? byId?.(lIds, lAt) : EMPTY;
    l = lHere ?? (await read(lIds, lAt));
    const rHere = rIds ? byId?.(rIds, rAt) : EMPTY;
    r = rHere ?? (await read(rIds, rAt));
    prefix = path;
  }
}

/** The last two buffers words() viewed, and their views. */
let lastBuffer: ArrayBufferLike | null = null;
let lastWords: Uint32Array | null = null;
let otherBuffer: ArrayBufferLike | null = null;
let otherWords: Uint32Array | null = null;

/**
 * The whole buffer under a tree's bytes as 32-bit words, for sameRunEnd; null when the tree does
 * not start on a word boundary. Trees are mostly pieces of a few shared chunks (ByteSlab), so the
 * last two views are kept: a view made per tree per diff was ~24,000 typed arrays a 3,000-commit
 * log with counts. (Keeping them holds at most two buffers alive.)
 */
function words(b: Uint8Array): Uint32Array | null {
  if ((b.byteOffset & 3) !== 0) return null;
  const buffer = b.buffer;
  if (buffer === lastBuffer) return lastWords;
  if (buffer !== otherBuffer) {
    otherBuffer = buffer;
    otherWords = new Uint32Array(buffer, 0, buffer.byteLength >> 2);
  }
  // The one asked for becomes the last; the last becomes the other.
  const w = otherWords;
  otherBuffer = lastBuffer;
  otherWords = lastWords;
  lastBuffer = buffer;
  lastWords = w;
  return w;
}

/** diffLevel's two cursors, reused: it runs to its end without awaiting, so one pair serves every diff. */
const LEFT: Cursor = { at: 0, name: 0, nul: 0, kind: 0 };
const RIGHT: Cursor = { at: 0, name: 0, nul: 0, kind: 0 };

/**
 * One level of a diff: pairs the entries of raw trees `l` and `r`, records the files that differ
 * and queues the subtrees that differ in `below` (for `collect` to read).
 */
function diffLevel(l: Uint8Array, r: Uint8Array, prefix: string, sink: Sink, below: Pending[]): void {
  const lc = LEFT;
  const rc = RIGHT;
  const lw = words(l);
  const rw = words(r);
  let li = 0;
  let ri = 0;
  while (li < l.length || ri < r.length) {
    if (li < l.length && ri < r.length) {
      const end = sameRunEnd(l, lw, li, r, rw, ri);
      if (end > li) {
        ri += end - li;
        li = end;
        continue;
      }
    }
    const hasL = readEntry(l, li, lc);
    const hasR = readEntry(r, ri, rc);
    const cmp = !hasL ? 1 : !hasR ? -1 : compareNames(l, lc, r, rc);
    if (cmp < 0) {
      if (lc.kind === 1) below.push([l, lc.nul + 1, null, 0, subPath(prefix, l, lc, sink)]);
      else record(sink, 'deleted', prefix, l, lc, l, lc, null, null);
      li = lc.nul + 21;
    } else if (cmp > 0) {
      if (rc.kind === 1) below.push([null, 0, r, rc.nul + 1, subPath(prefix, r, rc, sink)]);
      else record(sink, 'added', prefix, r, rc, null, null, r, rc);
      ri = rc.nul + 21;
    } else {
      if (lc.kind !== rc.kind || !sameId(l, lc.nul + 1, r, rc.nul + 1)) {
        if (rc.kind === 1) below.push([l, lc.nul + 1, r, rc.nul + 1, subPath(prefix, r, rc, sink)]);
        else record(sink, 'modified', prefix, r, rc, l, lc, r, rc);
      }
      // Equal ids and kinds with another mode (100644 → 100755): the content did not change.
      li = lc.nul + 21;
      ri = rc.nul + 21;
    }
  }
}

/** The entry at `path` below tree `treeOid` (a file, folder or submodule), or null when there is none. */
export async function entryAtPath(
  readTree: ReadTree,
  treeOid: string,
  segments: readonly string[],
): Promise<Pick<GitTreeEntry, 'oid' | 'type' | 'mode'> | null> {
  let at: Pick<GitTreeEntry, 'oid' | 'type' | 'mode'> = { oid: treeOid, type: 'tree', mode: '040000' };
  for (const name of segments) {
    if (at.type !== 'tree') return null;
    const next = (await readTree(at.oid)).find((e) => e.name === name);
    if (!next) return null;
    at = next;
  }
  return at;
}
