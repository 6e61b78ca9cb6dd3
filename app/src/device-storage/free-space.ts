/**
 * Freeing space on this device, in two steps the page shows apart: `planFreeing` asks the
 * repository's server (the DVC remote's batch `missing` call sync already uses) which of the
 * repository's cached objects it has, and plans by drop-plan.ts's rule; `dropObjects` then
 * removes exactly the planned objects, in slices, reporting progress. Objects the server does
 * not confirm are never in a plan's `drop`.
 */

import type { ObjectId } from '../storage/blob-store.ts';
import { getBlobStore } from '../storage/blobs.ts';
import type { RepoRow } from '../storage/db.ts';
import { listLocalRepos, openRepo } from '../storage/repo-handle.ts';
import { missingOnServer, remoteOf } from '../sync/data-push.ts';
import type { ReferencedObject } from '../sync/referenced-objects.ts';
import { cachedObjectsOf, dataObjectsOf } from './device-scan.ts';
import { type CachedObject, type DropPlan, planDrop } from './drop-plan.ts';
import type { RepoDataObject } from './repo-data-objects.ts';

export interface FreeProgress {
  /** What is happening, in words. */
  step: string;
  done: number;
  total: number;
}

/** The ids among `objects` that `row`'s server confirms it has (none for a repository without one). */
async function confirmedOnServer(
  row: RepoRow,
  objects: readonly ReferencedObject[],
  signal?: AbortSignal,
): Promise<Set<ObjectId>> {
  if (!row.server || objects.length === 0) return new Set();
  const handle = await openRepo(row.owner, row.repo);
  if (!handle) return new Set();
  const remote = await remoteOf(row.server, handle);
  const missing = new Set((await missingOnServer(remote, getBlobStore(), objects, signal)).map((o) => o.object));
  return new Set(objects.filter((o) => !missing.has(o.object)).map((o) => o.object));
}

function refsOf(objects: readonly CachedObject[], all: Map<ObjectId, RepoDataObject>): ReferencedObject[] {
  return objects.flatMap((o) => {
    const ref = all.get(o.id)?.ref;
    return ref ? [ref] : [];
  });
}

/**
 * Which of `row`'s cached objects may be dropped. Objects other repositories on this device use
 * are checked with their servers too; one that cannot be asked counts as not confirming.
 * @throws ServerUnreachableError, AuthRequiredError (this repository's server could not be asked)
 */
export async function planFreeing(
  row: RepoRow,
  onProgress?: (p: FreeProgress) => void,
  signal?: AbortSignal,
): Promise<DropPlan> {
  onProgress?.({ step: `Listing the data of ${row.id}`, done: 0, total: 1 });
  const all = await dataObjectsOf(row);
  const here = await cachedObjectsOf(all);
  onProgress?.({ step: `Asking the server which of ${here.length} objects it has`, done: 0, total: 1 });
  const onServer = await confirmedOnServer(row, refsOf(here, all), signal);
  const candidates = new Set(here.filter((o) => onServer.has(o.id)).map((o) => o.id));
  const unconfirmed = new Map<ObjectId, string[]>();
  const others = (await listLocalRepos()).filter((r) => r.id !== row.id);
  for (const [i, other] of others.entries()) {
    onProgress?.({ step: `Checking data shared with ${other.id}`, done: i, total: others.length });
    const theirs = await dataObjectsOf(other);
    const shared = [...theirs.values()].filter((o) => candidates.has(o.ref.object)).map((o) => o.ref);
    if (shared.length === 0) continue;
    const confirmed = await confirmedOnServer(other, shared, signal).catch(() => new Set<ObjectId>());
    for (const o of shared) {
      if (!confirmed.has(o.object)) unconfirmed.set(o.object, [...(unconfirmed.get(o.object) ?? []), other.id]);
    }
  }
  return planDrop(here, onServer, unconfirmed);
}

/** Objects removed per transaction, with a pause and a progress report between them. */
const SLICE = 500;

/** Removes `objects` from the data cache; resolves with the bytes freed. */
export async function dropObjects(
  objects: readonly CachedObject[],
  onProgress?: (p: FreeProgress) => void,
): Promise<number> {
  const store = getBlobStore();
  let freed = 0;
  // One deleteMany per slice: a transaction per slice, not per object, and progress between them.
  for (let i = 0; i < objects.length; i += SLICE) {
    onProgress?.({ step: 'Removing cached data', done: i, total: objects.length });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const slice = objects.slice(i, i + SLICE);
    await store.deleteMany(slice.map((o) => o.id));
    freed += slice.reduce((n, o) => n + o.size, 0);
  }
  onProgress?.({ step: 'Removing cached data', done: objects.length, total: objects.length });
  return freed;
}
