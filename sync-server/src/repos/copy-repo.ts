import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ServerContext } from '../context.ts';
import { GitCommandError, runGit } from '../git/run-git.ts';
import { HttpError } from '../http/http-error.ts';
import { repairHead } from './default-branch.ts';
import { configureBareRepo, gitDirOf, gitRoot } from './git-dir.ts';
import { makeRepoStore, type RepoRow } from './store.ts';

/**
 * Copies a repository into another account (a reader's "Copy to my account", GitHub's fork
 * without the upstream link):
 * - git: `git clone --mirror` of the source's bare folder (every branch, tag and DVC experiment
 *   ref `refs/exps/…`) into a temp folder beside the final one, then a rename, so a half-made
 *   copy is never served; the clone's `origin` (a path on the server's disk) is removed;
 * - DVC: the bytes are already shared by hash (blobs/shared-store.ts); what makes an object part
 *   of a repository's remote is its row in `dvc_objects` (dvc-remote/object-index.ts), so the
 *   source's rows are copied, in one statement, and no byte moves;
 * - MLflow runs, artifacts, live notes and collaborators are not copied (the app says so).
 * Checking that the caller may read the source is the caller's job (repos/api.ts).
 */
export async function copyRepository(
  ctx: ServerContext,
  source: RepoRow,
  ownerId: number,
  name: string,
  isPrivate: boolean,
): Promise<RepoRow> {
  const repos = makeRepoStore(ctx.sql);
  const dataDir = ctx.config.dataDir;
  // Refuses a taken or bad name (409 name_taken, 400 invalid_name) before anything is made.
  const copy = await repos.create(ownerId, name, isPrivate, source.description);
  const temp = path.join(gitRoot(dataDir), `.copy-${copy.id}-${randomBytes(6).toString('hex')}`);
  try {
    await fsp.mkdir(gitRoot(dataDir), { recursive: true });
    // A local clone hard-links the object files (they never change), so it costs little disk.
    await runGit(['clone', '--mirror', '--quiet', '--', gitDirOf(dataDir, source.id), temp], {
      timeoutMs: 30 * 60 * 1000,
    });
    await runGit(['remote', 'remove', 'origin'], { cwd: temp });
    await configureBareRepo(temp);
    await repairHead(temp);
    await ctx.sql.run(
      `INSERT INTO dvc_objects (repo_id, oid, size, created_at)
       SELECT ?, oid, size, ? FROM dvc_objects WHERE repo_id = ?
       ON CONFLICT (repo_id, oid) DO NOTHING`,
      [copy.id, Date.now(), source.id],
    );
    await fsp.rename(temp, gitDirOf(dataDir, copy.id));
    return copy;
  } catch (err) {
    await fsp.rm(temp, { recursive: true, force: true });
    await repos.remove(copy.id); // its dvc_objects rows go with it (ON DELETE CASCADE)
    const detail = err instanceof GitCommandError ? err.message : String(err);
    ctx.log.error('repository copy failed', { from: `${source.owner}/${source.name}`, error: detail });
    throw new HttpError('copy_failed', 500, `Could not copy ${source.owner}/${source.name}: ${detail}`);
  }
}
