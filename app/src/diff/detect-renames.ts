/**
 * Rename detection for a list of changes: the deleted and added files' contents are read from
 * git (small text files only: git itself skips inexact detection past its rename limit) and
 * paired in the diff worker by core's git-like similarity.
 */
import type { RenameCandidate, RenamePair } from '@cairn/core/diff';
import { readBlobBytes } from '../git/read-blob.ts';
import type { FileChange } from '../git/read-changes.ts';
import type { ReadContext } from '../git/read-context.ts';
import { looksBinary } from '../viewers/pick-viewer.ts';
import { diffInWorker } from './diff-client.ts';

/** Files larger than this are paired only when their blob is identical. */
const MAX_COMPARED_BYTES = 256 * 1024;
/** Past this many deleted × added files, only identical blobs are paired (git's renameLimit idea). */
const MAX_PAIRS = 100_000;

export async function detectRenamesIn(ctx: ReadContext, changes: readonly FileChange[]): Promise<RenamePair[]> {
  const deleted = changes.filter((c) => c.kind === 'deleted');
  const added = changes.filter((c) => c.kind === 'added');
  if (deleted.length === 0 || added.length === 0) return [];
  const readContent = deleted.length * added.length <= MAX_PAIRS;
  const candidate = async (path: string, oid: string): Promise<RenameCandidate> => {
    if (!readContent) return { path, oid, text: null };
    const bytes = await readBlobBytes(ctx, oid);
    const text = bytes.length <= MAX_COMPARED_BYTES && !looksBinary(bytes) ? new TextDecoder().decode(bytes) : null;
    return { path, oid, text };
  };
  const [d, a] = await Promise.all([
    Promise.all(deleted.map((c) => candidate(c.path, c.before as string))),
    Promise.all(added.map((c) => candidate(c.path, c.after as string))),
  ]);
  return diffInWorker({ type: 'renames', deleted: d, added: a });
}
