/**
 * Trees at a commit and path. Only the trees on the way to the path are read, each once per
 * session (cached by tree oid in the read context).
 */
import type { GitTreeEntry, ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';

/** The entries of one tree, by its oid: folders first, then files, each by name. */
export async function readTreeEntries(ctx: ReadContext, treeOid: string): Promise<Array<Omit<GitTreeEntry, 'path'>>> {
  const cached = ctx.trees.get(treeOid);
  if (cached) return cached;
  const tree = await ctx.repo.readTree(treeOid);
  const entries = tree
    .map((e) => ({ name: e.name, type: e.type, oid: e.oid, mode: e.mode }))
    .sort((a, b) =>
      (a.type === 'tree') !== (b.type === 'tree') ? (a.type === 'tree' ? -1 : 1) : compareNames(a.name, b.name),
    );
  ctx.trees.set(treeOid, entries);
  return entries;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The root tree oid of a commit. */
export async function commitTreeOid(ctx: ReadContext, commitOid: string): Promise<string> {
  return (await ctx.repo.readCommit(commitOid)).tree;
}

/** Splits a repository path into its names, refusing `.`, `..` and empty names. */
export function pathSegments(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  for (const s of segments) {
    if (s === '.' || s === '..')
      throw new GitReadError('path_not_found', `“${path}” is not a path in the repository.`, { path });
  }
  return segments;
}

export type PathObject =
  | { type: 'tree'; oid: string; path: string; entries: GitTreeEntry[] }
  | { type: 'blob'; oid: string; path: string; mode: string }
  | { type: 'commit'; oid: string; path: string };

/**
 * What lies at `path` in `commitOid`'s tree: a folder with its entries, a file, or a submodule.
 * Throws `PATH_NOT_FOUND` when a name is missing or a file stands where a folder should be.
 * @example await readPathAt(ctx, oid, 'data') // { type: 'tree', entries: [...] }
 */
export async function readPathAt(ctx: ReadContext, commitOid: string, path: string): Promise<PathObject> {
  const segments = pathSegments(path);
  let oid = await commitTreeOid(ctx, commitOid);
  let type: GitTreeEntry['type'] = 'tree';
  let mode = '040000';
  for (const [i, name] of segments.entries()) {
    if (type !== 'tree') throw notFound(path);
    const entry = (await readTreeEntries(ctx, oid)).find((e) => e.name === name);
    if (!entry) throw notFound(path, segments.slice(0, i + 1).join('/'));
    ({ oid, type, mode } = entry);
  }
  const clean = segments.join('/');
  if (type === 'tree') {
    const entries = (await readTreeEntries(ctx, oid)).map((e) => ({
      ...e,
      path: clean ? `${clean}/${e.name}` : e.name,
    }));
    return { type, oid, path: clean, entries };
  }
  return type === 'blob' ? { type, oid, path: clean, mode } : { type, oid, path: clean };
}

function notFound(path: string, missing = path): GitReadError {
  return new GitReadError('path_not_found', `“${missing}” does not exist at this revision.`, { path });
}
