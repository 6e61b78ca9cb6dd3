/**
 * Which stages of one `dvc.yaml` changed between two commits. A stage is what its own entry in
 * the dvc.yaml says (the definition under `stages:`, before foreach/matrix expansion — an edit
 * elsewhere in the file, a comment or another stage, does not count) plus what the `dvc.lock`
 * beside it recorded for it (command, deps and outs with their hashes, params values). The
 * pipeline tab's "last changed in" commit is the newest first-parent commit where a stage shows
 * up here (stage-last-change.ts walks the history).
 *
 * Pure: callers parse the files (parseDvcYaml, parseDvcLock) at each commit and hand them in.
 */
import type { DvcLock, LockStage } from '../dvc/dvc-lock.ts';
import type { DvcYaml } from '../dvc/dvc-yaml.ts';
import type { HashedEntry } from '../dvc/hashed-entry.ts';
import { deepEqual } from '../yaml/deep-equal.ts';

/** One dvc.yaml and its dvc.lock at one commit; null where the file is absent (or unreadable). */
export interface StageFiles {
  dvcYaml: DvcYaml | null;
  lock: DvcLock | null;
}

/** Names whose records differ between two commits. */
export interface StageFileChanges {
  /** Definition names (`train`, also for its `train@…` members) whose dvc.yaml entry differs. */
  definitions: Set<string>;
  /** Expanded stage names (`train@a1-b2`) whose dvc.lock entry differs. */
  locks: Set<string>;
}

/** Where a stage changed: its dvc.yaml entry, its dvc.lock entry, or both (empty: unchanged). */
export type StageRecordChange = 'definition' | 'lock';

/**
 * The definition's name in dvc.yaml for a stage's local name: `train@a1-b2` (foreach/matrix) is
 * defined under `train`. DVC forbids `@` in a stage name, so the first one splits.
 */
export function definitionNameOf(localName: string): string {
  const at = localName.indexOf('@');
  return at < 0 ? localName : localName.slice(0, at);
}

/** A locked entry as it matters for "changed": its path and recorded hash, size, file count. */
function entryKey(e: HashedEntry): string {
  return JSON.stringify([
    e.path,
    e.hashKind,
    e.md5 ?? null,
    e.etag ?? null,
    e.checksum ?? null,
    e.size ?? null,
    e.nfiles ?? null,
  ]);
}

/** Entries compared as sets: DVC sorts them by path, but a hand-made lock need not. */
function sameEntries(a: HashedEntry[], b: HashedEntry[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(entryKey));
  return b.every((e) => keys.has(entryKey(e)));
}

function sameLockStage(a: LockStage | undefined, b: LockStage | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    deepEqual(a.cmd, b.cmd) &&
    sameEntries(a.deps, b.deps) &&
    sameEntries(a.outs, b.outs) &&
    deepEqual(a.params, b.params) &&
    deepEqual(a.extra, b.extra)
  );
}

/** Keys of both records whose values differ (a key only one side has differs). */
function differingKeys<T>(
  a: Record<string, T> | undefined,
  b: Record<string, T> | undefined,
  same: (x: T | undefined, y: T | undefined) => boolean,
): Set<string> {
  const out = new Set<string>();
  const get = (r: Record<string, T> | undefined, k: string) => (r && Object.hasOwn(r, k) ? r[k] : undefined);
  for (const k of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
    if (!same(get(a, k), get(b, k))) out.add(k);
  }
  return out;
}

/** Every stage of the file pair whose definition or lock entry differs from `before` to `after`. */
export function diffStageFiles(before: StageFiles, after: StageFiles): StageFileChanges {
  return {
    definitions: differingKeys(before.dvcYaml?.stages, after.dvcYaml?.stages, deepEqual),
    locks: differingKeys(before.lock?.stages, after.lock?.stages, sameLockStage),
  };
}

/** What changed for the stage `localName` (`train`, `train@a1-b2`) in a file pair's changes. */
export function stageChangesIn(changes: StageFileChanges, localName: string): StageRecordChange[] {
  const out: StageRecordChange[] = [];
  if (changes.definitions.has(definitionNameOf(localName))) out.push('definition');
  if (changes.locks.has(localName)) out.push('lock');
  return out;
}
