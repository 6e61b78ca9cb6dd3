/**
 * Loads what a file-view URL names: the repository, the revision (branch, tag or commit) and
 * the target at the path, with `.dvc` data merged in (dvc-overlay.ts). Manifests of tracked
 * folders come from the data cache; tracked data not on this device is reported, not fetched —
 * the views fetch it on demand (data-fetch.ts) so the user sees progress.
 */
import { readBlobBytes } from '../git/read-blob.ts';
import { GitReadError } from '../git/read-errors.ts';
import { defaultBranch, listRefs, type RepoRefs, resolveRevision, splitRevisionAndPath } from '../git/read-refs.ts';
import { readPathAt } from '../git/read-tree.ts';
import { getBlobStore, type ObjectId } from '../storage/blobs.ts';
import { type ManifestEntry, parseDirManifest } from './dir-manifest.ts';
import { type BrowseSource, type BrowseTarget, resolveBrowsePath } from './dvc-overlay.ts';
import { readOrFetch } from './fetch-missing.ts';
import type { RepoSession } from './repo-session.ts';

export interface BrowseState {
  rev: string;
  commit: string;
  refs: RepoRefs;
  target: BrowseTarget;
}

const manifests = new Map<string, ManifestEntry[]>();

/** A `.dir` manifest from the data cache (parsed once per tab), or null when not on this device. */
export async function loadManifest(id: ObjectId): Promise<ManifestEntry[] | null> {
  const cached = manifests.get(id);
  if (cached) return cached;
  const bytes = await getBlobStore().get(id);
  if (!bytes) return null;
  const entries = parseDirManifest(new TextDecoder().decode(bytes), id);
  manifests.set(id, entries);
  return entries;
}

export function makeBrowseSource(session: RepoSession, commit: string): BrowseSource {
  return {
    readPath: (path) => readPathAt(session.ctx, commit, path),
    readText: async (oid) => new TextDecoder().decode(await readBlobBytes(session.ctx, oid)),
    loadManifest,
  };
}

/**
 * @param segments URL segments after `/tree/` or `/blob/` (empty for the repository's front page)
 */
export async function loadBrowse(session: RepoSession, segments: readonly string[]): Promise<BrowseState> {
  const { ctx } = session;
  if (segments.length === 0 && (await listRefs(ctx)).branches.length === 0) {
    // No branch: an empty repository or one with only tags (RepoLanding.tsx says which).
    throw new GitReadError('empty_repository', 'This repository has no branches yet.');
  }
  return readOrFetch(session, async () => {
    const { rev, path } = segments.length
      ? await splitRevisionAndPath(ctx, segments)
      : { rev: await defaultBranch(ctx), path: '' };
    const [{ oid: commit }, refs] = await Promise.all([resolveRevision(ctx, rev), listRefs(ctx)]);
    const target = await resolveBrowsePath(makeBrowseSource(session, commit), path);
    return { rev, commit, refs, target };
  });
}
