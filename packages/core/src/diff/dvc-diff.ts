/**
 * `dvc diff` between two revisions, and what changed in `dvc.lock` per stage. The outputs of a
 * revision are those its `.dvc` files and `dvc.lock` record; two revisions' outputs are compared
 * by hash, a tracked folder is opened through its `.dir` manifest (the caller reads it from its
 * cache; when it cannot, the folder is listed as "not in cache" and not expanded). Shapes follow
 * dvc/repo/diff.py and dvc/commands/diff.py: `added`/`deleted`/`modified`/`renamed`/`not in
 * cache`, folders with a trailing `/` and not counted in the files summary, a rename being a
 * deleted and an added file with the same hash.
 */
import { parseDvcFile } from '../dvc/dvc-file.ts';
import { parseDvcLock } from '../dvc/dvc-lock.ts';
import type { HashedEntry } from '../dvc/hashed-entry.ts';
import { dirnameOf, joinPath } from '../dvc/posix-path.ts';
import type { DirEntry } from '../hash/dir-manifest.ts';
import { deepEqual } from '../yaml/deep-equal.ts';

export interface DvcOutput {
  path: string;
  /** The hash as written; folders end in `.dir`. */
  md5: string;
  hashKind: string;
  size?: number;
}

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The hashed outputs of one revision: every `.dvc` file and `dvc.lock` (`read` gives a file's text). */
export function dvcOutputsOf(paths: readonly string[], read: (path: string) => string | null): Map<string, DvcOutput> {
  const outs = new Map<string, DvcOutput>();
  const add = (dir: string, e: HashedEntry) => {
    if (!e.md5) return;
    const path = joinPath(dir, e.path).replace(/\/+$/, '');
    outs.set(path, { path, md5: e.md5, hashKind: e.hashKind, ...(e.size !== undefined ? { size: e.size } : {}) });
  };
  for (const p of paths) {
    const name = base(p);
    if (name.endsWith('.dvc') && name !== '.dvc') {
      const text = read(p);
      if (text === null) continue;
      const parsed = parseDvcFile(text, p);
      if (parsed.ok) for (const o of parsed.value.outs) add(dirnameOf(p), o);
    } else if (name === 'dvc.lock') {
      const text = read(p);
      if (text === null) continue;
      const parsed = parseDvcLock(text, p);
      if (parsed.ok) for (const s of Object.values(parsed.value.stages)) for (const o of s.outs) add(dirnameOf(p), o);
    }
  }
  return outs;
}

export interface DvcDiffEntry {
  /** A path, or for a rename `{old, new}`; folders end in `/`. */
  path: string | { old: string; new: string };
  hash?: string | { old: string; new: string };
}

export interface DvcDiff {
  added: DvcDiffEntry[];
  deleted: DvcDiffEntry[];
  modified: DvcDiffEntry[];
  renamed: DvcDiffEntry[];
  'not in cache': DvcDiffEntry[];
}

export const DVC_DIFF_STATES = ['added', 'deleted', 'renamed', 'modified', 'not in cache'] as const;

/**
 * Compares two revisions' outputs. `manifest` returns a folder's files from its `.dir` hash, or
 * null when that manifest is not in the cache.
 */
export function diffDvcOutputs(
  before: ReadonlyMap<string, DvcOutput>,
  after: ReadonlyMap<string, DvcOutput>,
  manifest: (out: DvcOutput) => readonly DirEntry[] | null,
): DvcDiff {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  const dirsA = new Map<string, string>();
  const dirsB = new Map<string, string>();
  const notInCache: DvcDiffEntry[] = [];
  const expand = (outs: ReadonlyMap<string, DvcOutput>, files: Map<string, string>, dirs: Map<string, string>) => {
    for (const o of outs.values()) {
      if (!o.md5.endsWith('.dir')) {
        files.set(o.path, o.md5);
        continue;
      }
      dirs.set(`${o.path}/`, o.md5);
      const entries = manifest(o);
      if (entries === null) {
        if (!notInCache.some((e) => e.path === `${o.path}/`)) notInCache.push({ path: `${o.path}/`, hash: o.md5 });
        continue;
      }
      for (const e of entries) files.set(`${o.path}/${e.relpath}`, e.md5);
    }
  };
  expand(before, a, dirsA);
  expand(after, b, dirsB);
  const out: DvcDiff = { added: [], deleted: [], modified: [], renamed: [], 'not in cache': notInCache };
  const compare = (x: Map<string, string>, y: Map<string, string>) => {
    for (const [path, hash] of y) {
      const old = x.get(path);
      if (old === undefined) out.added.push({ path, hash });
      else if (old !== hash) out.modified.push({ path, hash: { old, new: hash } });
    }
    for (const [path, hash] of x) if (!y.has(path)) out.deleted.push({ path, hash });
  };
  compare(dirsA, dirsB);
  compare(a, b);
  // A deleted and an added file with the same hash: renamed (folders are not paired).
  const addedByHash = new Map<string, DvcDiffEntry[]>();
  for (const e of out.added)
    if (!(e.path as string).endsWith('/')) {
      const list = addedByHash.get(e.hash as string) ?? [];
      list.push(e);
      addedByHash.set(e.hash as string, list);
    }
  const paired = new Set<DvcDiffEntry>();
  out.deleted = out.deleted.filter((d) => {
    if ((d.path as string).endsWith('/')) return true;
    const match = addedByHash.get(d.hash as string)?.shift();
    if (!match) return true;
    paired.add(match);
    out.renamed.push({ path: { old: d.path as string, new: match.path as string }, hash: d.hash as string });
    return false;
  });
  out.added = out.added.filter((e) => !paired.has(e));
  const key = (e: DvcDiffEntry) => (typeof e.path === 'string' ? e.path : e.path.new);
  for (const s of DVC_DIFF_STATES) out[s].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return out;
}

/** DVC's `--json`: entries with `path` and, with `showHash`, `hash`. */
export function dvcDiffJson(diff: DvcDiff, showHash = false): Record<string, DvcDiffEntry[]> {
  const out: Record<string, DvcDiffEntry[]> = {};
  for (const s of ['added', 'deleted', 'modified', 'renamed', 'not in cache'] as const)
    out[s] = diff[s].map((e) => (showHash && e.hash !== undefined ? { path: e.path, hash: e.hash } : { path: e.path }));
  return out;
}

const shortHash = (h: string | { old: string; new: string } | undefined): string => {
  if (h === undefined) return '';
  if (typeof h === 'string') return h.slice(0, 8);
  return `${h.old.slice(0, 8)}..${h.new.slice(0, 8)}`;
};
const entryPath = (e: DvcDiffEntry) => (typeof e.path === 'string' ? e.path : `${e.path.old} -> ${e.path.new}`);

/** The text `dvc diff` prints: a block per state, then `files summary: …` (empty when nothing changed). */
export function renderDvcDiff(diff: DvcDiff, options: { showHash?: boolean; hideMissing?: boolean } = {}): string {
  const states = DVC_DIFF_STATES.filter((s) => !(options.hideMissing && s === 'not in cache'));
  const lines: string[] = [];
  const summary: Record<string, number> = {};
  for (const s of states) {
    summary[s] = 0;
    if (diff[s].length === 0) continue;
    lines.push(`${s.charAt(0).toUpperCase()}${s.slice(1)}:`);
    for (const e of diff[s]) {
      const path = entryPath(e);
      if (!path.endsWith('/')) summary[s]! += 1;
      const hash = options.showHash ? shortHash(e.hash) : '';
      lines.push(`    ${hash}${hash ? '  ' : ''}${path}`);
    }
    lines.push('');
  }
  if (lines.length === 0) return '';
  lines.push(`files summary: ${states.map((s) => `${summary[s]} ${s}`).join(', ')}`);
  return lines.join('\n');
}

/** DVC's `--md`: a `Status | Path` table (with `Hash` when asked). */
export function dvcDiffMarkdownRows(diff: DvcDiff, showHash = false): string[][] {
  const rows: string[][] = [showHash ? ['Status', 'Hash', 'Path'] : ['Status', 'Path']];
  for (const s of DVC_DIFF_STATES)
    for (const e of diff[s]) rows.push(showHash ? [s, shortHash(e.hash), entryPath(e)] : [s, entryPath(e)]);
  return rows;
}

export interface LockEntryChange {
  path: string;
  old: string | null;
  new: string | null;
  oldSize?: number;
  newSize?: number;
}

export interface LockStageDiff {
  stage: string;
  kind: 'added' | 'removed' | 'modified';
  cmd?: { old: string | null; new: string | null };
  deps: LockEntryChange[];
  outs: LockEntryChange[];
  params: { file: string; key: string; old: unknown; new: unknown }[];
}

function entryChanges(a: readonly HashedEntry[], b: readonly HashedEntry[]): LockEntryChange[] {
  const x = new Map(a.map((e) => [e.path, e]));
  const y = new Map(b.map((e) => [e.path, e]));
  const out: LockEntryChange[] = [];
  for (const path of [...new Set([...x.keys(), ...y.keys()])]) {
    const o = x.get(path);
    const n = y.get(path);
    const oh = o?.md5 ?? o?.etag ?? o?.checksum ?? null;
    const nh = n?.md5 ?? n?.etag ?? n?.checksum ?? null;
    if (o && n && oh === nh) continue;
    out.push({
      path,
      old: o ? oh : null,
      new: n ? nh : null,
      ...(o?.size !== undefined ? { oldSize: o.size } : {}),
      ...(n?.size !== undefined ? { newSize: n.size } : {}),
    });
  }
  return out;
}

const cmdText = (c: string | string[] | undefined) => (c === undefined ? null : Array.isArray(c) ? c.join(' && ') : c);

/** What changed per stage between two `dvc.lock` texts (null for a missing file); throws on unreadable files. */
export function diffDvcLocks(before: string | null, after: string | null): LockStageDiff[] {
  const read = (text: string | null, side: string) => {
    if (text === null) return {};
    const parsed = parseDvcLock(text);
    if (!parsed.ok) throw new Error(`the ${side} dvc.lock cannot be read: ${parsed.error.message}`);
    return parsed.value.stages;
  };
  const a = read(before, 'old');
  const b = read(after, 'new');
  const out: LockStageDiff[] = [];
  for (const stage of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
    const o = a[stage];
    const n = b[stage];
    const params: LockStageDiff['params'] = [];
    const files = [...new Set([...Object.keys(o?.params ?? {}), ...Object.keys(n?.params ?? {})])];
    for (const file of files) {
      const op = o?.params[file] ?? {};
      const np = n?.params[file] ?? {};
      for (const key of [...new Set([...Object.keys(op), ...Object.keys(np)])].sort()) {
        const ov = Object.hasOwn(op, key) ? op[key] : null;
        const nv = Object.hasOwn(np, key) ? np[key] : null;
        if (!deepEqual(ov, nv)) params.push({ file, key, old: ov, new: nv });
      }
    }
    const d: LockStageDiff = {
      stage,
      kind: !o ? 'added' : !n ? 'removed' : 'modified',
      deps: entryChanges(o?.deps ?? [], n?.deps ?? []),
      outs: entryChanges(o?.outs ?? [], n?.outs ?? []),
      params,
    };
    const oc = cmdText(o?.cmd);
    const nc = cmdText(n?.cmd);
    if (oc !== nc) d.cmd = { old: oc, new: nc };
    if (d.kind !== 'modified' || d.cmd || d.deps.length || d.outs.length || d.params.length) out.push(d);
  }
  return out;
}
