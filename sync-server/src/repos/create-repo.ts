import fsp from 'node:fs/promises';
import type { ServerContext } from '../context.ts';
import { gitDirOf, initBareRepo } from './git-dir.ts';
import { makeRepoStore, type RepoRow } from './store.ts';

/**
 * Creates a repository: its record, then its empty bare git folder. If the folder cannot be
 * made the record is removed again, so a repository either exists whole or not at all.
 * Used by the API and by the demo seeder.
 */
export async function createRepository(
  ctx: ServerContext,
  ownerId: number,
  name: string,
  isPrivate: boolean,
  description = '',
): Promise<RepoRow> {
  const repos = makeRepoStore(ctx.sql);
  const repo = await repos.create(ownerId, name, isPrivate, description);
  try {
    await initBareRepo(ctx.config.dataDir, repo.id);
  } catch (err) {
    await repos.remove(repo.id);
    await fsp.rm(gitDirOf(ctx.config.dataDir, repo.id), { recursive: true, force: true });
    throw err;
  }
  return repo;
}
