/**
 * The read side of a repository in the browser (files, history): every `read*.ts` module takes
 * a `ReadContext` — the repository's file system and folder plus the readers and caches that make
 * repeated reads cheap. Objects and refs are read by core's GitRepoReader straight from the
 * files isomorphic-git wrote (pack indexes parsed once, resolved delta bases kept, trees and
 * commits cached by id): isomorphic-git's own reads re-discover the git folder and re-list the
 * packs on every call, which made the history page ~4× slower than `git log`.
 * Nothing here writes to the repository.
 */
import type { GitRepoReader, GitTreeEntry as TreeEntry } from '@cairn/core/git';
import type { FsClient } from 'isomorphic-git';
import { repoReaderOn } from './object-files.ts';

/** One entry of a git tree (core's: `name` within the tree), placed at its `path` from the root. */
export interface GitTreeEntry extends TreeEntry {
  /** Path from the repository root, POSIX separators, no leading slash. */
  path: string;
}

export interface ReadContext {
  fs: FsClient;
  dir: string;
  /** Objects and refs of this repository, read by core (see the module comment). */
  repo: GitRepoReader;
  /** Trees as the file views list them (folders first, by name), by tree oid; entries hold names only. */
  trees: Map<string, Array<Omit<GitTreeEntry, 'path'>>>;
}

/**
 * A read context over `fs` at `dir`; keep one per open repository so its caches pay off. It starts
 * opening the storage (pack list, indexes, packs) at once, while the first view reads its refs.
 */
export function makeReadContext(fs: FsClient, dir: string): ReadContext {
  const repo = repoReaderOn(fs, dir);
  repo.objects.open();
  return { fs, dir, repo, trees: new Map() };
}
