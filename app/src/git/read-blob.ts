/**
 * File contents from git. Blobs are whole in memory (git stores them so); the viewers decide
 * from the size whether to show them or to offer a download.
 */
import type { ReadContext } from './read-context.ts';
import { GitReadError } from './read-errors.ts';
import { readPathAt } from './read-tree.ts';

/** The bytes of a blob by its oid. */
export async function readBlobBytes(ctx: ReadContext, oid: string): Promise<Uint8Array> {
  return ctx.repo.readBlob(oid);
}

/** The bytes of the file at `path` in a commit; `NOT_A_FILE` when it is a folder. */
export async function readFileAt(
  ctx: ReadContext,
  commitOid: string,
  path: string,
): Promise<{ oid: string; bytes: Uint8Array }> {
  const found = await readPathAt(ctx, commitOid, path);
  if (found.type !== 'blob') throw new GitReadError('not_a_file', `“${path}” is a folder, not a file.`, { path });
  return { oid: found.oid, bytes: await readBlobBytes(ctx, found.oid) };
}

/** The text of the file at `path`, or null when there is no such file. */
export async function readTextAt(ctx: ReadContext, commitOid: string, path: string): Promise<string | null> {
  try {
    return new TextDecoder().decode((await readFileAt(ctx, commitOid, path)).bytes);
  } catch (error) {
    if (error instanceof GitReadError) return null;
    throw error;
  }
}
