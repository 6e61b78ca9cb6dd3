/**
 * What `dvc diff` shows for a tracked folder: the files of two `.dir` manifests added,
 * deleted, modified (same path, new hash) or renamed (same hash, new path), with sizes.
 * Linear in the number of files: a 100,000-file folder is two maps and one pass.
 */

export interface DirFile {
  relpath: string;
  md5: string;
  size: number | null;
}

export interface DirChange {
  kind: 'added' | 'deleted' | 'modified' | 'renamed';
  path: string;
  /** For a rename, the old path. */
  oldPath?: string;
  before: DirFile | null;
  after: DirFile | null;
}

export interface DirDiff {
  changes: DirChange[];
  summary: { added: number; deleted: number; modified: number; renamed: number; unchanged: number };
  /** Total size change in bytes, null when a size is unknown. */
  sizeChange: number | null;
}

export function diffDirManifests(before: readonly DirFile[], after: readonly DirFile[]): DirDiff {
  const old = new Map(before.map((f) => [f.relpath, f]));
  const now = new Map(after.map((f) => [f.relpath, f]));
  const changes: DirChange[] = [];
  const summary = { added: 0, deleted: 0, modified: 0, renamed: 0, unchanged: 0 };
  const deleted: DirFile[] = [];
  const added: DirFile[] = [];
  for (const f of before) {
    const n = now.get(f.relpath);
    if (!n) deleted.push(f);
    else if (n.md5 !== f.md5) changes.push({ kind: 'modified', path: f.relpath, before: f, after: n });
    else summary.unchanged++;
  }
  for (const f of after) if (!old.has(f.relpath)) added.push(f);
  // A deleted file whose content reappears under a new path was renamed (first come, first paired).
  const deletedByHash = new Map<string, DirFile[]>();
  for (const f of deleted) deletedByHash.set(f.md5, [...(deletedByHash.get(f.md5) ?? []), f]);
  for (const f of added) {
    const from = deletedByHash.get(f.md5)?.shift();
    if (from) changes.push({ kind: 'renamed', path: f.relpath, oldPath: from.relpath, before: from, after: f });
    else changes.push({ kind: 'added', path: f.relpath, before: null, after: f });
  }
  for (const list of deletedByHash.values())
    for (const f of list) changes.push({ kind: 'deleted', path: f.relpath, before: f, after: null });
  for (const c of changes) summary[c.kind]++;
  changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const total = (files: readonly DirFile[]) =>
    files.reduce<number | null>((s, f) => (s === null || f.size === null ? null : s + f.size), 0);
  const b = total(before);
  const a = total(after);
  return { changes, summary, sizeChange: a === null || b === null ? null : a - b };
}
