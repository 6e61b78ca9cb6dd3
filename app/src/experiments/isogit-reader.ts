/**
 * The scanner's GitReader on isomorphic-git: one repository's file system (lightning-fs in
 * the browser, any `fs` in Node), with isomorphic-git's pack cache shared by every read.
 * Refs scanned: local branches (the current one first), remote-tracking branches, and DVC
 * experiment refs under `refs/exps/`.
 */
import type { GitCommitInfo, GitReader, GitRef, GitTreeEntry } from '@cairn/core/experiments/index';
import type { FsClient } from 'isomorphic-git';

type Git = typeof import('isomorphic-git');

export function makeIsoGitReader(git: Git, fs: FsClient, dir: string): GitReader {
  const cache = {};
  const resolve = async (ref: string) => {
    try {
      return await git.resolveRef({ fs, dir, ref });
    } catch {
      return null;
    }
  };
  return {
    async listRefs(): Promise<GitRef[]> {
      const out: GitRef[] = [];
      const current = await git.currentBranch({ fs, dir, fullname: false }).catch(() => undefined);
      const branches = await git.listBranches({ fs, dir }).catch(() => [] as string[]);
      const ordered = current ? [current, ...branches.filter((b) => b !== current)] : branches;
      for (const b of ordered) {
        const oid = await resolve(`refs/heads/${b}`);
        if (oid) out.push({ ref: `refs/heads/${b}`, oid });
      }
      const remotes = await git.listBranches({ fs, dir, remote: 'origin' }).catch(() => [] as string[]);
      for (const b of remotes) {
        if (b === 'HEAD') continue;
        const oid = await resolve(`refs/remotes/origin/${b}`);
        if (oid) out.push({ ref: `refs/remotes/origin/${b}`, oid });
      }
      const exps = await git.listRefs({ fs, dir, filepath: 'refs/exps' }).catch(() => [] as string[]);
      for (const name of exps) {
        const ref = name.startsWith('refs/') ? name : `refs/exps/${name}`;
        const oid = await resolve(ref);
        if (oid) out.push({ ref, oid });
      }
      return out;
    },
    async readCommit(oid: string): Promise<GitCommitInfo> {
      const { commit } = await git.readCommit({ fs, dir, oid, cache });
      return {
        oid,
        tree: commit.tree,
        parents: commit.parent,
        message: commit.message,
        author: { name: commit.author.name, email: commit.author.email, timestamp: commit.author.timestamp },
        committer: {
          name: commit.committer.name,
          email: commit.committer.email,
          timestamp: commit.committer.timestamp,
        },
      };
    },
    async readTree(oid: string): Promise<GitTreeEntry[]> {
      const { tree } = await git.readTree({ fs, dir, oid, cache });
      return tree.map((e) => ({ path: e.path, mode: e.mode, type: e.type, oid: e.oid }));
    },
    async readBlob(oid: string): Promise<Uint8Array> {
      const { blob } = await git.readBlob({ fs, dir, oid, cache });
      return blob;
    },
  };
}
