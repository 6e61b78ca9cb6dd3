/**
 * One changed file as the diff list shows it: a git change, a deleted and an added file paired
 * as a rename (git's R, with its similarity), or an added file that copies a file still there
 * (git's C: its diff is against that file's old version).
 */
import type { RenamePair } from '@cairn/core/diff';
import type { FileChange } from '../git/read-changes.ts';

export interface DiffEntry {
  path: string;
  /** The path before a rename, the copied file for a copy; else the same as `path`. */
  oldPath: string;
  kind: FileChange['kind'] | 'renamed' | 'copied';
  before: string | null;
  after: string | null;
  /** For a rename or copy: the similarity in [0, 1]. */
  similarity?: number;
}

export function entriesOf(changes: readonly FileChange[]): DiffEntry[] {
  return changes.map((c) => ({ ...c, oldPath: c.path }));
}

/** The changes with each renamed pair folded into one entry at the new path's place. */
export function withRenames(
  changes: readonly FileChange[],
  pairs: readonly RenamePair[],
  copies: readonly RenamePair[] = [],
): DiffEntry[] {
  if (pairs.length === 0 && copies.length === 0) return entriesOf(changes);
  const byPath = new Map(changes.map((c) => [c.path, c]));
  const from = new Set(pairs.map((p) => p.from));
  const to = new Map(pairs.map((p) => [p.to, p]));
  const copyTo = new Map(copies.map((p) => [p.to, p]));
  const entries: DiffEntry[] = [];
  for (const c of changes) {
    if (from.has(c.path) && c.kind === 'deleted') continue;
    const pair = c.kind === 'added' ? to.get(c.path) : undefined;
    const copy = c.kind === 'added' && !pair ? copyTo.get(c.path) : undefined;
    if (copy) {
      entries.push({
        path: c.path,
        oldPath: copy.from,
        kind: 'copied',
        // A modified source's old version; an unchanged source is not among the changes: its blob is the pair's own.
        before: byPath.get(copy.from)?.before ?? copy.fromOid ?? null,
        after: c.after,
        similarity: copy.score,
      });
      continue;
    }
    if (!pair) {
      entries.push({ ...c, oldPath: c.path });
      continue;
    }
    const old = byPath.get(pair.from);
    entries.push({
      path: c.path,
      oldPath: pair.from,
      kind: 'renamed',
      before: old?.before ?? null,
      after: c.after,
      similarity: pair.score,
    });
  }
  return entries;
}
