/**
 * Rename and copy detection for a list of changes: the contents of the deleted, added and
 * modified files are read from git (small text files only: git itself skips inexact detection
 * past its rename limit) and paired in the diff worker by core's git-like similarity. Renames
 * first; an added file that is no rename may then be a copy of a modified file's old version
 * (git's `-C`).
 */
import type { RenameCandidate, RenamePair } from '@cairn/core/diff';
import { readBlobBytes } from '../git/read-blob.ts';
import type { FileChange } from '../git/read-changes.ts';
import type { ReadContext } from '../git/read-context.ts';
import { looksBinary } from '../viewers/pick-viewer.ts';
import { diffInWorker } from './diff-client.ts';

/** Files larger than this are paired only when their blob is identical. */
const MAX_COMPARED_BYTES = 256 * 1024;
/** Past this many source × added files, only identical blobs are paired (git's renameLimit idea). */
const MAX_PAIRS = 100_000;

export interface Moves {
  renames: RenamePair[];
  copies: RenamePair[];
}

export async function detectRenamesIn(ctx: ReadContext, changes: readonly FileChange[]): Promise<Moves> {
  const deleted = changes.filter((c) => c.kind === 'deleted');
  const added = changes.filter((c) => c.kind === 'added');
  const modified = changes.filter((c) => c.kind === 'modified');
  if (added.length === 0) return { renames: [], copies: [] };
  const readContent = (deleted.length + modified.length) * added.length <= MAX_PAIRS;
  const texts = new Map<string, Promise<string | null>>();
  const textOf = (oid: string) => {
    let text = texts.get(oid);
    if (!text) {
      text = readBlobBytes(ctx, oid).then((bytes) =>
        bytes.length <= MAX_COMPARED_BYTES && !looksBinary(bytes) ? new TextDecoder().decode(bytes) : null,
      );
      texts.set(oid, text);
    }
    return text;
  };
  const candidate = async (path: string, oid: string): Promise<RenameCandidate> => ({
    path,
    oid,
    text: readContent ? await textOf(oid) : null,
  });
  const [d, a] = await Promise.all([
    Promise.all(deleted.map((c) => candidate(c.path, c.before as string))),
    Promise.all(added.map((c) => candidate(c.path, c.after as string))),
  ]);
  const renames = d.length ? await diffInWorker({ type: 'renames', deleted: d, added: a }) : [];
  if (modified.length === 0) return { renames, copies: [] };
  const renamed = new Set(renames.map((r) => r.to));
  const sources = await Promise.all(modified.map((c) => candidate(c.path, c.before as string)));
  const rest = a.filter((c) => !renamed.has(c.path));
  const copies = rest.length ? await diffInWorker({ type: 'copies', sources, added: rest }) : [];
  return { renames, copies };
}
