/**
 * The read side of a repository in the browser (files, history): every `read*.ts` module takes
 * a `ReadContext` — the repository's file system and folder plus the caches that make repeated
 * reads cheap. Trees are immutable and named by their oid, so a tree read once is never read
 * again; isomorphic-git's own `cache` object keeps packfile indexes between calls.
 * Nothing here writes to the repository.
 */
import type { GitTreeEntry as TreeEntry } from '@cairn/core/git';
import type { FsClient } from 'isomorphic-git';

/** One entry of a git tree (core's: `name` within the tree), placed at its `path` from the root. */
export interface GitTreeEntry extends TreeEntry {
  /** Path from the repository root, POSIX separators, no leading slash. */
  path: string;
}

export interface ReadContext {
  fs: FsClient;
  dir: string;
  /** isomorphic-git's cache object, shared by every call on this repository. */
  cache: object;
  /** Parsed trees by tree oid (path-independent: entries hold names only). */
  trees: Map<string, Array<Omit<GitTreeEntry, 'path'>>>;
}

/** A read context over `fs` at `dir`; keep one per open repository so its caches pay off. */
export function makeReadContext(fs: FsClient, dir: string): ReadContext {
  return { fs, dir, cache: {}, trees: new Map() };
}
