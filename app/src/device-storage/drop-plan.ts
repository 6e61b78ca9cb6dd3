/**
 * Which cached data objects of a repository may leave this device. Pure (no storage, no
 * network), so the rule that protects people's data is tested on its own:
 *
 * - a file object goes only when the repository's server confirmed it has it, and every other
 *   repository on this device that uses the same bytes had its server confirm it too (the cache is
 *   shared: bytes one repository could fetch again may be another's only copy);
 * - `.dir` manifests stay: they are small, and they are what lists a folder's files, so the
 *   next scan still knows which cached files belong to which repository;
 * - everything else is kept and named, so the page can say which files exist only here.
 */
import type { ObjectId } from '../storage/blob-store.ts';
import { formatBytes } from '../storage/persistence.ts';

/** A data object of a repository that is on this device. */
export interface CachedObject {
  id: ObjectId;
  size: number;
  /** Where the repository's current commit uses it (`data/raw/annotations.csv`); never empty. */
  paths: string[];
}

export type KeepReason = 'only_on_device' | 'manifest' | 'used_elsewhere';

export interface KeptObject extends CachedObject {
  reason: KeepReason;
  /** For `used_elsewhere`: the repositories whose servers did not confirm it. */
  usedBy?: string[];
}

export interface DropPlan {
  drop: CachedObject[];
  keep: KeptObject[];
  dropBytes: number;
  /** Objects the server does not have: this device holds the only copy. */
  onlyHere: KeptObject[];
  onlyHereBytes: number;
}

export function isManifest(id: ObjectId): boolean {
  return id.endsWith('.dir');
}

/**
 * @param objects the repository's objects present on this device
 * @param onServer ids its server confirmed it has
 * @param unconfirmedElsewhere id → other repositories on this device that use it and whose
 *   servers did not confirm it (or could not be asked)
 */
export function planDrop(
  objects: readonly CachedObject[],
  onServer: ReadonlySet<ObjectId>,
  unconfirmedElsewhere: ReadonlyMap<ObjectId, readonly string[]> = new Map(),
): DropPlan {
  const drop: CachedObject[] = [];
  const keep: KeptObject[] = [];
  for (const o of objects) {
    const others = unconfirmedElsewhere.get(o.id) ?? [];
    if (!onServer.has(o.id)) keep.push({ ...o, reason: 'only_on_device' });
    else if (isManifest(o.id)) keep.push({ ...o, reason: 'manifest' });
    else if (others.length > 0) keep.push({ ...o, reason: 'used_elsewhere', usedBy: [...others] });
    else drop.push(o);
  }
  const onlyHere = keep.filter((k) => k.reason === 'only_on_device');
  return {
    drop,
    keep,
    dropBytes: sum(drop),
    onlyHere,
    onlyHereBytes: sum(onlyHere),
  };
}

function sum(objects: readonly { size: number }[]): number {
  return objects.reduce((n, o) => n + o.size, 0);
}

/** How many paths a warning names before "and N more". */
const NAMED = 5;

/**
 * "3 files (12 MB) exist only on this device: data/new.csv, data/b.csv and 1 more." — or null
 * when there are none. Every object counts as one file, named by its first path.
 */
export function onlyHereWarning(kept: readonly KeptObject[]): string | null {
  const only = kept.filter((k) => k.reason === 'only_on_device');
  if (only.length === 0) return null;
  const paths = [...new Set(only.map((o) => o.paths[0] ?? o.id))].sort();
  const named = paths.slice(0, NAMED).join(', ');
  const more = paths.length > NAMED ? ` and ${paths.length - NAMED} more` : '';
  const files = only.length === 1 ? '1 file' : `${only.length} files`;
  const verb = only.length === 1 ? 'exists' : 'exist';
  return `${files} (${formatBytes(sum(only))}) ${verb} only on this device: ${named}${more}.`;
}
