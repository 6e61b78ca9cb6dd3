/**
 * Rename and copy detection for a list of changes: the contents of the deleted, added and
 * modified files are read from git (small text files only: git itself skips inexact detection
 * past its rename limit) and paired in the diff worker by core's git-like similarity. Renames
 * first; an added file that is no rename may then be a copy of a modified file's old version
 * (git's `-C`) or of a file left unchanged (git's `--find-copies-harder`, bounded here: every
 * unchanged file is an exact-copy source by blob id, but only a few with an added file's
 * extension are read and compared).
 */
import type { RenameCandidate, RenamePair } from '@cairn/core/diff';
import { readBlobBytes } from '../git/read-blob.ts';
import type { FileChange } from '../git/read-changes.ts';
import type { ReadContext } from '../git/read-context.ts';
import { commitTreeOid, readTreeEntries } from '../git/read-tree.ts';
import { looksBinary } from '../viewers/pick-viewer.ts';
import { diffInWorker } from './diff-client.ts';

/** Files larger than this are paired only when their blob is identical. */
const MAX_COMPARED_BYTES = 256 * 1024;
/** Past this many source × added files, only identical blobs are paired (git's renameLimit idea). */
const MAX_PAIRS = 100_000;

/** Unchanged files listed as copy sources at most (past this the walk stops: a huge tree costs no more). */
const MAX_UNCHANGED_LISTED = 20_000;
/** Unchanged files read and compared for inexact copies. */
const MAX_UNCHANGED_READ = 100;

const extensionOf = (path: string) => {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/** The files of the old tree that no change touches, as (path, blob id). */
async function unchangedFiles(ctx: ReadContext, beforeCommit: string, changed: ReadonlySet<string>) {
  const files: { path: string; oid: string }[] = [];
  const walk = async (tree: string, prefix: string): Promise<void> => {
    for (const e of await readTreeEntries(ctx, tree)) {
      if (files.length >= MAX_UNCHANGED_LISTED) return;
      const path = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.type === 'tree') await walk(e.oid, path);
      else if (e.type === 'blob' && !changed.has(path)) files.push({ path, oid: e.oid });
    }
  };
  await walk(await commitTreeOid(ctx, beforeCommit), '');
  return files;
}

export interface Moves {
  renames: RenamePair[];
  copies: RenamePair[];
}

/** `beforeCommit`: the old side's commit, whose unchanged files may be copied (null: modified files only). */
export async function detectRenamesIn(
  ctx: ReadContext,
  changes: readonly FileChange[],
  beforeCommit: string | null = null,
): Promise<Moves> {
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
  const renamed = new Set(renames.map((r) => r.to));
  const rest = a.filter((c) => !renamed.has(c.path));
  if (rest.length === 0) return { renames, copies: [] };
  const sources = await Promise.all(modified.map((c) => candidate(c.path, c.before as string)));
  if (beforeCommit) {
    const unchanged = await unchangedFiles(ctx, beforeCommit, new Set(changes.map((c) => c.path)));
    const wanted = new Set(rest.map((c) => extensionOf(c.path)));
    let reads = 0;
    for (const f of unchanged) {
      const compare = readContent && reads < MAX_UNCHANGED_READ && wanted.has(extensionOf(f.path));
      if (compare) reads++;
      sources.push({ path: f.path, oid: f.oid, text: compare ? await textOf(f.oid) : null });
    }
  }
  const copies = sources.length ? await diffInWorker({ type: 'copies', sources, added: rest }) : [];
  return { renames, copies };
}
