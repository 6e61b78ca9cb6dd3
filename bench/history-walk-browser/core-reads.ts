/**
 * The reads the history-walk bench times through the app's read side (core's GitRepoReader in a
 * fresh read context each time): shared by its Node part and its page in Chromium, so both time
 * the same code.
 */
import type { FsClient } from 'isomorphic-git';
import { makeReadContext } from '../../app/src/git/read-context.ts';
import { readLog } from '../../app/src/git/read-log.ts';

export function coreReads(fs: FsClient, repoDir: string) {
  const ctx = makeReadContext(fs, repoDir);
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
