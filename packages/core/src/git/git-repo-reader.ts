/**
 * One repository read without git: refs (loose, packed, symbolic HEAD), commits, trees and
 * blobs from packs (OFS/REF deltas) and loose objects, history walks, tree diffs and merge
 * bases. The app's file, history, commit and compare views read through this; isomorphic-git
 * keeps the network protocol and the writes. Pure: files and zlib come in as parameters.
 *
 *   const repo = new GitRepoReader(files, '/repo/.git', inflate);
 *   const head = await repo.resolveRef('HEAD');
 *   const page = await repo.log([head], { limit: 51 });
 *   const changed = await repo.diffTrees(parentTree, tree);
 */
import { mergeBases, type WalkOptions, walkLog } from './git-history.ts';
import { GitObjectStore } from './git-object-store.ts';
import { type GitObjectFiles, GitObjectMissingError, type Inflate, parseCommit, parseTree } from './git-objects.ts';
import type { GitCommitInfo, GitReader, GitTreeEntry } from './git-reader.ts';
import { GitRefs } from './git-refs.ts';
import { countChangedFiles, diffTrees, entryAtPath, type FileChange } from './git-tree-diff.ts';

/** Parsed trees kept by id; a log page reads each tree twice (as a commit's and as its child's parent). */
const MAX_CACHED_TREES = 50_000;

export class GitRepoReader implements Omit<GitReader, 'listRefs'> {
  readonly objects: GitObjectStore;
  readonly refs: GitRefs;
  private readonly trees = new Map<string, Promise<GitTreeEntry[]>>();
  private readonly commits = new Map<string, Promise<GitCommitInfo>>();
  /** Raw tree objects by id, for diffs (which compare entries in place); promises while being read. */
  private readonly treeBytes = new Map<string, Uint8Array | Promise<Uint8Array>>();
  /** Objects read from the store (not from this reader's caches): what a walk or diff cost. */
  readonly reads = { trees: 0, commits: 0 };
  /** A raw tree; the bytes themselves when cached or packed (a diff then does not wait a tick). */
  readonly readTreeBytes = (oid: string): Uint8Array | Promise<Uint8Array> => {
    let t = this.treeBytes.get(oid);
    if (t === undefined) {
      if (this.treeBytes.size >= MAX_CACHED_TREES) this.treeBytes.clear();
      this.reads.trees++;
      t = this.objects.readPackedTyped(oid, 'tree');
      if (t === undefined) {
        const reading = this.objects.readTyped(oid, 'tree');
        // Kept once read; a failed read (a pack being written) must not stay cached.
        reading.then(
          (bytes) => this.treeBytes.get(oid) === reading && this.treeBytes.set(oid, bytes),
          () => this.treeBytes.delete(oid),
        );
        t = reading;
      }
      this.treeBytes.set(oid, t);
    }
    return t;
  };
  /** A packed subtree by the id bytes in its parent's entry (see ReadTreeById); undefined otherwise. */
  readonly readTreeById = (ids: Uint8Array, at: number): Uint8Array | undefined => {
    const t = this.objects.readPackedTypedId(ids, at, 'tree');
    if (t) this.reads.trees++;
    return t;
  };
  /** Bound once so walks and diffs can pass it around. */
  readonly readTree = (oid: string): Promise<GitTreeEntry[]> => {
    let t = this.trees.get(oid);
    if (!t) {
      if (this.trees.size >= MAX_CACHED_TREES) this.trees.clear();
      t = (async () => parseTree(await this.readTreeBytes(oid)))();
      // A failed read (a pack being written) must not stay cached.
      t.catch(() => this.trees.delete(oid));
      this.trees.set(oid, t);
    }
    return t;
  };
  readonly readCommit = (oid: string): Promise<GitCommitInfo> => {
    let c = this.commits.get(oid);
    if (!c) {
      if (this.commits.size >= MAX_CACHED_TREES) this.commits.clear();
      this.reads.commits++;
      // A packed commit is read and parsed now: a log walk of thousands then waits no ticks in the store.
      try {
        const packed = this.objects.readPackedTyped(oid, 'commit');
        if (packed) c = Promise.resolve(parseCommit(oid, packed));
      } catch (e) {
        c = Promise.reject(e);
      }
      c ??= this.objects.readCommit(oid);
      c.catch(() => this.commits.delete(oid));
      this.commits.set(oid, c);
    }
    return c;
  };

  constructor(files: GitObjectFiles, gitdir: string, inflate: Inflate) {
    this.objects = new GitObjectStore(files, gitdir, inflate);
    this.refs = new GitRefs(files, gitdir);
  }

  readBlob(oid: string): Promise<Uint8Array> {
    return this.objects.readBlob(oid);
  }

  /** The object id a full ref name or `HEAD` points at; null when unborn or absent. */
  resolveRef(ref: string): Promise<string | null> {
    return this.refs.resolve(ref);
  }

  /** The commit `oid` names, peeling annotated tags; null when it names no commit here. */
  async peelToCommit(oid: string): Promise<string | null> {
    const peeled = await this.objects.peel(oid);
    return peeled?.type === 'commit' ? peeled.oid : null;
  }

  /** Commits whose id starts with `prefix` (other objects never make a commit id ambiguous). */
  async commitsWithPrefix(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (const oid of await this.objects.expandPrefix(prefix)) {
      if ((await this.objects.read(oid))?.type === 'commit') out.push(oid);
    }
    return out;
  }

  /** Commits reachable from `heads`, newest first (see walkLog). */
  log(heads: readonly string[], opts: Omit<WalkOptions, 'readTree'> = {}): Promise<GitCommitInfo[]> {
    return walkLog(this, heads, { ...opts, readTree: this.readTree });
  }

  /** Files that differ between two trees (null = empty), sorted by path. */
  diffTrees(a: string | null, b: string | null): Promise<FileChange[]> {
    return diffTrees(this.readTreeBytes, a, b, this.readTreeById);
  }

  /** Files a commit changed against its first parent (every file, for a root commit). */
  async commitChanges(commit: GitCommitInfo): Promise<FileChange[]> {
    return this.diffTrees(await this.firstParentTree(commit), commit.tree);
  }

  /** The first parent's tree; null for a root commit, or at a shallow clone's boundary (as git shows it). */
  private async firstParentTree(commit: GitCommitInfo): Promise<string | null> {
    const parent = commit.parents[0];
    if (parent === undefined) return null;
    try {
      return (await this.readCommit(parent)).tree;
    } catch (e) {
      if (e instanceof GitObjectMissingError) return null;
      throw e;
    }
  }

  /** How many files a commit changed against its first parent: commitChanges(…).length, without the list. */
  async countChanges(commit: GitCommitInfo): Promise<number> {
    return countChangedFiles(this.readTreeBytes, await this.firstParentTree(commit), commit.tree, this.readTreeById);
  }

  mergeBases(a: string, b: string): Promise<string[]> {
    return mergeBases(this, a, b);
  }

  /** What lies at `segments` below a tree: a file, folder or submodule, or null. */
  entryAt(treeOid: string, segments: readonly string[]) {
    return entryAtPath(this.readTree, treeOid, segments);
  }

  /** Lists packs again on the next read (after a fetch wrote one). */
  refresh(): void {
    this.objects.refresh();
  }
}
