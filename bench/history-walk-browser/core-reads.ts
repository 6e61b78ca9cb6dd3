/**
 * The reads the history-walk bench times through the app's read side (core's GitRepoReader in a
 * fresh read context each time): shared by its Node part and its page in Chromium, so both time
 * the same code.
 */
import { type GitObjectFiles, GitRepoReader } from '@cairn/core/git';
import type { FsClient } from 'isomorphic-git';
import { inflateZlib } from '../../app/src/git/object-files.ts';
import { makeReadContext, type ReadContext } from '../../app/src/git/read-context.ts';
import { readLog } from '../../app/src/git/read-log.ts';

/**
 * A repository's object files as its session in the app holds them (repo-session.ts keeps one
 * reader per repository for the tab's life): the pack list, pack indexes and packs are opened
 * once and kept; refs and other files are read afresh each time, as the session reads them.
 */
export function sessionFiles(files: GitObjectFiles): GitObjectFiles {
  const kept = new Map<string, Promise<unknown>>();
  const keep = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const known = kept.get(key) as Promise<T> | undefined;
    if (known) return known;
    const loading = load();
    kept.set(key, loading);
    return loading;
  };
  const openPack = files.openPack?.bind(files);
  return {
    read: (path) => (path.endsWith('.idx') ? keep(`idx ${path}`, () => files.read(path)) : files.read(path)),
    list: (path) => (path.endsWith('/objects/pack') ? keep(`list ${path}`, () => files.list(path)) : files.list(path)),
    ...(openPack && { openPack: (path: string) => keep(`pack ${path}`, () => openPack(path)) }),
  };
}

/**
 * The timed reads on a fresh reader: with `session` files (sessionFiles), a reader that has not
 * read these objects yet over storage the session already opened; without, one that opens it.
 */
export function coreReads(fs: FsClient, repoDir: string, session?: GitObjectFiles) {
  const ctx: ReadContext = session
    ? { fs, dir: repoDir, repo: new GitRepoReader(session, `${repoDir}/.git`, inflateZlib), trees: new Map() }
    : makeReadContext(fs, repoDir);
  const { repo } = ctx;
  const head = async () => (await repo.resolveRef('refs/heads/main')) as string;
  return {
    log: async () => repo.log([await head()]),
    async logWithCounts() {
      let n = 0;
      for (const c of await repo.log([await head()])) n += await repo.countChanges(c);
      return n;
    },
    /** The History view's first page: 50 commits with their changed-file counts. */
    async firstPage() {
      return (await readLog(ctx, 'main', { limit: 50 })).commits.reduce((n, c) => n + c.changedFiles, 0);
    },
    async listTree() {
      const paths: string[] = [];
      const walk = async (oid: string, prefix: string): Promise<void> => {
        for (const e of await repo.readTree(oid)) {
          if (e.type === 'tree') await walk(e.oid, `${prefix}${e.name}/`);
          else paths.push(`${prefix}${e.name}`);
        }
      };
      await walk((await repo.readCommit((await repo.resolveRef('HEAD')) as string)).tree, '');
      return paths;
    },
    async readBlobs(oids: readonly string[]) {
      let bytes = 0;
      for (const oid of oids) bytes += (await repo.readBlob(oid)).length;
      return bytes;
    },
  };
}

export type CoreReads = ReturnType<typeof coreReads>;
export type BrowserPart = 'log' | 'logWithCounts' | 'firstPage' | 'listTree' | 'readBlobs';
