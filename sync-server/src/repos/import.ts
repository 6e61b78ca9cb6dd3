import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ServerContext } from '../context.ts';
import { type DbLocks, repoWriteLock } from '../db/db-locks.ts';
import { GitCommandError, runGit } from '../git/run-git.ts';
import { HttpError } from '../http/http-error.ts';
import { followDefaultBranch, remoteDefaultBranch, repairHead } from './default-branch.ts';
import { configureBareRepo, gitDirOf, gitRoot } from './git-dir.ts';
import { importPolicyFromEnv, vetImportSource } from './import-target.ts';
import { makeRepoStore, type RepoRow } from './store.ts';

/**
 * Importing a repository from a git URL: `git clone --mirror` into a temp folder beside the
 * final one, then a rename, so a half-cloned repository is never served. "migrate" copies once;
 * "connect" keeps the copy in step (`git fetch --prune` on an interval) and records the last
 * sync time and error; both keep the source's default branch (HEAD), and a mirror follows a
 * change of it. Only http(s) and git:// sources are allowed: a `file://` or `ext::` URL
 * would let a user read the server's own disk or run commands (THREAT_MODEL.md).
 */

export type ImportMode = 'migrate' | 'connect';

export interface ImportStatus {
  sourceUrl: string;
  mode: ImportMode;
  state: 'pending' | 'syncing' | 'ok' | 'failed';
  lastSyncAt: number | null;
  lastError: string | null;
}

const CLONE_TIMEOUT_MS = 30 * 60 * 1000;
const ALLOWED = 'http:https:git';

/** Checks a source URL; returns it unchanged or throws a 400. */
export function checkSourceUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000 || /\s/.test(raw)) {
    throw new HttpError('bad_request', 400, 'Send the source as "url": an http(s):// or git:// URL.');
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new HttpError('bad_request', 400, `${JSON.stringify(raw.slice(0, 100))} is not a URL.`);
  }
  if (!['http:', 'https:', 'git:'].includes(u.protocol)) {
    throw new HttpError('bad_request', 400, `Imports come from http(s):// or git:// URLs, not ${u.protocol}`);
  }
  return raw;
}

/** The URL without user name or password, for showing. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable)';
  }
}

export function makeImporter(ctx: ServerContext, locks: DbLocks) {
  const { sql } = ctx;
  const repos = makeRepoStore(sql);
  const dataDir = ctx.config.dataDir;
  const aborts = new AbortController();

  const setState = async (repoId: number, state: ImportStatus['state'], error: string | null, synced: boolean) => {
    await sql.run(
      `UPDATE repo_imports SET state = ?, last_error = ?, last_sync_at = ${synced ? '?' : 'last_sync_at'} WHERE repo_id = ?`,
      synced ? [state, error, Date.now(), repoId] : [state, error, repoId],
    );
  };

  const gitOpts = { env: { GIT_ALLOW_PROTOCOL: ALLOWED }, timeoutMs: CLONE_TIMEOUT_MS, signal: aborts.signal };
  const policy = importPolicyFromEnv(ctx.config.env);
  /** git options for a source checked by import-target.ts (every time: DNS answers change). */
  const vetted = async (sourceUrl: string) => {
    const v = await vetImportSource(sourceUrl, policy);
    return { url: v.url, opts: { ...gitOpts, env: { ...gitOpts.env, ...v.gitEnv } } };
  };

  return {
    async status(repoId: number): Promise<ImportStatus | null> {
      const r = await sql.get<{
        source_url: string;
        mode: ImportMode;
        state: ImportStatus['state'];
        last_sync_at: number | null;
        last_error: string | null;
      }>('SELECT * FROM repo_imports WHERE repo_id = ?', [repoId]);
      if (!r) return null;
      return {
        sourceUrl: redactUrl(r.source_url),
        mode: r.mode,
        state: r.state,
        lastSyncAt: r.last_sync_at,
        lastError: r.last_error,
      };
    },

    /** Creates `name` for `ownerId` from `sourceUrl`; resolves when the first copy is complete. */
    async importRepo(ownerId: number, name: string, isPrivate: boolean, sourceUrl: string, mode: ImportMode) {
      checkSourceUrl(sourceUrl);
      // Before anything is created: a refused source leaves no trace.
      const source = await vetted(sourceUrl);
      const repo = await repos.create(ownerId, name, isPrivate);
      await sql.run(`INSERT INTO repo_imports (repo_id, source_url, mode, state) VALUES (?, ?, ?, 'syncing')`, [
        repo.id,
        sourceUrl,
        mode,
      ]);
      const final = gitDirOf(dataDir, repo.id);
      const temp = path.join(gitRoot(dataDir), `.import-${repo.id}-${randomBytes(6).toString('hex')}`);
      try {
        await fsp.mkdir(gitRoot(dataDir), { recursive: true });
        // clone --mirror points HEAD where the source's HEAD points; a source whose HEAD names
        // no branch leaves it dangling, so it is repaired like after a push.
        await runGit(['clone', '--mirror', '--quiet', '--', source.url, temp], source.opts);
        await configureBareRepo(temp);
        await repairHead(temp);
        await fsp.rename(temp, final);
        await setState(repo.id, 'ok', null, true);
        return repo;
      } catch (err) {
        await fsp.rm(temp, { recursive: true, force: true });
        await repos.remove(repo.id);
        const detail = err instanceof GitCommandError ? err.message : String(err);
        ctx.log.info('import failed', { source: redactUrl(sourceUrl), error: detail });
        throw new HttpError('import_failed', 502, `Could not clone ${redactUrl(sourceUrl)}: ${detail}`);
      }
    },

    /**
     * Fetches a connected repository from its source now; records time and error. Under the
     * repository's write lock, so a fetch asked for here and the periodic one on another process
     * never write the folder at once.
     */
    async sync(repo: Pick<RepoRow, 'id'>): Promise<ImportStatus | null> {
      await locks.withLock(repoWriteLock(repo.id), () => fetchFromSource(repo.id));
      return this.status(repo.id);
    },

    /**
     * Connected repositories not fetched for `intervalMs` (or never), for the periodic sync: with
     * several processes each running the timer, a repository one of them fetched is not fetched
     * again by the next until its interval has passed.
     */
    async dueRepoIds(intervalMs: number): Promise<number[]> {
      const rows = await sql.all<{ repo_id: number }>(
        `SELECT repo_id FROM repo_imports WHERE mode = 'connect' AND (last_sync_at IS NULL OR last_sync_at <= ?)`,
        [Date.now() - intervalMs],
      );
      return rows.map((r) => r.repo_id);
    },

    async isMirror(repoId: number): Promise<boolean> {
      return (
        (await sql.get(`SELECT 1 FROM repo_imports WHERE repo_id = ? AND mode = 'connect'`, [repoId])) !== undefined
      );
    },

    /** Stops running clones and fetches (shutdown). */
    abortAll(): void {
      aborts.abort();
    },
  };

  /** `git fetch --prune` from the source, following its default branch; the outcome is recorded. */
  async function fetchFromSource(repoId: number): Promise<void> {
    const row = await sql.get<{ source_url: string; mode: ImportMode }>(
      'SELECT source_url, mode FROM repo_imports WHERE repo_id = ?',
      [repoId],
    );
    if (row?.mode !== 'connect') return;
    await setState(repoId, 'syncing', null, false);
    try {
      // The URL is passed explicitly so a changed remote config inside the folder cannot redirect it.
      const dir = gitDirOf(dataDir, repoId);
      const source = await vetted(row.source_url);
      await runGit(['fetch', '--prune', '--quiet', '--', source.url, '+refs/*:refs/*'], { ...source.opts, cwd: dir });
      // fetch does not carry HEAD: ask the source which branch is its default and follow it.
      const sourceDefault = await remoteDefaultBranch(source.url, source.opts);
      if (sourceDefault !== null) await followDefaultBranch(dir, sourceDefault);
      else await repairHead(dir);
      await setState(repoId, 'ok', null, true);
    } catch (err) {
      const detail = err instanceof GitCommandError || err instanceof HttpError ? err.message : String(err);
      await setState(repoId, 'failed', detail.slice(0, 2000), true);
    }
  }
}

export type Importer = ReturnType<typeof makeImporter>;
