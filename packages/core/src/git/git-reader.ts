/**
 * The port through which the scanner reads a repository: refs, commits, trees and blobs by
 * object id. The app implements it on isomorphic-git over lightning-fs, tests on the git CLI.
 * Every object is immutable, which is what makes caching by object id safe.
 */

/**
 * One entry of a git tree: its `name` within the tree (one path component). Everywhere in Cairn
 * `name` is that component and `path` a path from the repository root (the app's tree entries
 * add one: app/src/git/read-context.ts).
 */
export interface GitTreeEntry {
  name: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
}

export interface GitPerson {
  name: string;
  email: string;
  /** Seconds since the epoch, as git stores it. */
  timestamp: number;
  /** The zone in minutes with JavaScript's sign (`+0100` → -60); absent where a reader does not keep it. */
  timezoneOffset?: number;
}

export interface GitCommitInfo {
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  author: GitPerson;
  committer: GitPerson;
}

export interface GitRef {
  /** Full name: `refs/heads/main`, `refs/remotes/origin/x`, `refs/exps/06/ea48…/exp-name`. */
  ref: string;
  /** The commit it points at. */
  oid: string;
}

export interface GitReader {
  /** Branches and DVC experiment refs (`refs/exps/…`) to scan, the default branch first. */
  listRefs(): Promise<GitRef[]>;
  readCommit(oid: string): Promise<GitCommitInfo>;
  readTree(oid: string): Promise<GitTreeEntry[]>;
  readBlob(oid: string): Promise<Uint8Array>;
}
