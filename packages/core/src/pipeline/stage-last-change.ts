/**
 * The newest commit that changed a stage ("last changed in"), walking first-parent history from
 * a commit: at each commit its dvc.yaml and dvc.lock are compared with the parent's, first by
 * blob id (a commit that left both files alone costs two tree lookups and no parse), then by the
 * stage's own records (stage-change.ts). The walk stops at `limit` commits, so a stage untouched
 * for years answers "not within the last N commits" instead of reading the whole history.
 *
 * One walk answers every stage of the file it passes: the first commit met where a stage changed
 * is, for that stage, the answer from the start (history is walked newest first). Those answers,
 * by (start commit, stage), and what each pair of file versions changed, are kept in the
 * `StageHistoryCache` handed in, so the next stage looked at usually costs nothing.
 */
import { type DvcLock, parseDvcLock } from '../dvc/dvc-lock.ts';
import { type DvcYaml, parseDvcYaml } from '../dvc/dvc-yaml.ts';
import { dirnameOf, joinPath } from '../dvc/posix-path.ts';
import type { GitCommitInfo, GitReader, GitTreeEntry } from '../git/git-reader.ts';
import { diffStageFiles, type StageFileChanges, type StageRecordChange, stageChangesIn } from './stage-change.ts';

export const STAGE_HISTORY_LIMIT = 1000;

/** The reads the walk needs (the app's GitObjectStore, the CLI's git, MemoryGit in tests). */
export type GitObjectReader = Pick<GitReader, 'readCommit' | 'readTree' | 'readBlob'>;

export type StageLastChange =
  | {
      state: 'found';
      commit: Pick<GitCommitInfo, 'oid' | 'message' | 'author' | 'committer'>;
      /** Which of the stage's records that commit changed. */
      changes: StageRecordChange[];
    }
  /** The stage did not change within `scanned` commits (the limit). */
  | { state: 'beyond-limit'; scanned: number }
  /** History ends before a change was found: a shallow clone's boundary (a commit not here). */
  | { state: 'history-ends'; scanned: number }
  /** No commit back to the root has the stage (it is not in the file at `head`). */
  | { state: 'absent'; scanned: number };

export interface StageLastChangeRequest {
  /** The commit to start from (the viewed ref). */
  head: string;
  /** The stage's dvc.yaml, repository-relative (`dvc.yaml`, `nested/dvc.yaml`). */
  file: string;
  /** The stage's name inside that file (`train`, `train@a1-b2`). */
  local: string;
  /** Commits to look at, the head included (default STAGE_HISTORY_LIMIT). */
  limit?: number;
}

/** Bounded maps: entries beyond `max` drop the oldest first. */
class Bounded<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
}

/** What walks keep between calls (one per repository, for the worker's life). */
export interface StageHistoryCache {
  trees: Bounded<GitTreeEntry[]>;
  commits: Bounded<GitCommitInfo>;
  /** Parsed files by blob id (a parse error is kept as null: the file is treated as absent). */
  parsed: Bounded<DvcYaml | DvcLock | null>;
  /** `yaml\0lock\0parentYaml\0parentLock` blob ids → what that pair of versions changed. */
  transitions: Bounded<StageFileChanges>;
  /** `commit\0file\0local` → the answer from that commit. */
  answers: Bounded<StageLastChange>;
}

export function stageHistoryCache(): StageHistoryCache {
  return {
    trees: new Bounded(20_000),
    commits: new Bounded(20_000),
    parsed: new Bounded(16),
    transitions: new Bounded(20_000),
    answers: new Bounded(100_000),
  };
}

const decoder = new TextDecoder();

async function treeOf(git: GitObjectReader, cache: StageHistoryCache, oid: string): Promise<GitTreeEntry[]> {
  let t = cache.trees.get(oid);
  if (!t) {
    t = await git.readTree(oid);
    cache.trees.set(oid, t);
  }
  return t;
}

/** The blob id at `path` below `tree`, or null (no such file). */
async function blobAt(git: GitObjectReader, cache: StageHistoryCache, tree: string, path: string) {
  const parts = path.split('/');
  let oid = tree;
  for (let i = 0; i < parts.length; i++) {
    const entry = (await treeOf(git, cache, oid)).find((e) => e.name === parts[i]);
    if (!entry) return null;
    if (i === parts.length - 1) return entry.type === 'blob' ? entry.oid : null;
    if (entry.type !== 'tree') return null;
    oid = entry.oid;
  }
  return null;
}

async function parsedAt<T extends DvcYaml | DvcLock>(
  git: GitObjectReader,
  cache: StageHistoryCache,
  blob: string | null,
  parse: (text: string) => { ok: true; value: T } | { ok: false },
): Promise<T | null> {
  if (blob === null) return null;
  const hit = cache.parsed.get(blob);
  if (hit !== undefined) return hit as T | null;
  const r = parse(decoder.decode(await git.readBlob(blob)));
  const value = r.ok ? r.value : null;
  cache.parsed.set(blob, value);
  return value;
}

/** The commit, or null when the repository does not have it (history cut by a shallow clone). */
async function commitOf(git: GitObjectReader, cache: StageHistoryCache, oid: string) {
  let c = cache.commits.get(oid);
  if (!c) {
    try {
      c = await git.readCommit(oid);
    } catch {
      return null;
    }
    cache.commits.set(oid, c);
  }
  return c;
}

/** The newest commit from `head` back (first parents) that changed the stage. */
export async function stageLastChange(
  git: GitObjectReader,
  request: StageLastChangeRequest,
  cache: StageHistoryCache = stageHistoryCache(),
): Promise<StageLastChange> {
  const { head, file, local } = request;
  const limit = Math.max(1, request.limit ?? STAGE_HISTORY_LIMIT);
  const lockFile = joinPath(dirnameOf(file), 'dvc.lock');
  const answerKey = (commit: string, name: string) => `${commit}\0${file}\0${name}`;
  const started = cache.answers.get(answerKey(head, local));
  if (started) return started;

  type Versions = readonly [string | null, string | null];
  const versions = async (c: GitCommitInfo): Promise<Versions> => [
    await blobAt(git, cache, c.tree, file),
    await blobAt(git, cache, c.tree, lockFile),
  ];
  /** Commits walked so far; stages whose answer from `head` is known (cached) already. */
  let scanned = 0;
  const answered = new Set<string>();
  const first = await commitOf(git, cache, head);
  if (!first) return { state: 'history-ends', scanned: 0 };
  let current: GitCommitInfo = first;
  let here = await versions(current);
  while (scanned < limit) {
    scanned++;
    const parentId: string | undefined = current.parents[0];
    const parent: GitCommitInfo | null = parentId === undefined ? null : await commitOf(git, cache, parentId);
    if (parentId !== undefined && !parent) return { state: 'history-ends', scanned };
    const before: Versions = parent ? await versions(parent) : [null, null];
    if (before[0] !== here[0] || before[1] !== here[1]) {
      const changes = await changesBetween(git, cache, before, here);
      const { oid, message, author, committer } = current;
      const found = (name: string): StageLastChange => ({
        state: 'found',
        commit: { oid, message, author, committer },
        changes: stageChangesIn(changes, name),
      });
      // The first change met for a stage is its answer from `head`: kept for the stages looked at next.
      for (const name of [...changes.locks, ...changes.definitions]) {
        if (answered.has(name)) continue;
        answered.add(name);
        cache.answers.set(answerKey(head, name), found(name));
      }
      if (stageChangesIn(changes, local).length > 0) return found(local);
    }
    if (!parent) return { state: 'absent', scanned }; // the root, and no version had it
    // A walk that started lower down already knows the rest.
    const known = cache.answers.get(answerKey(parent.oid, local));
    if (known?.state === 'found') {
      cache.answers.set(answerKey(head, local), known);
      return known;
    }
    current = parent;
    here = before;
  }
  const answer: StageLastChange = { state: 'beyond-limit', scanned };
  cache.answers.set(answerKey(head, local), answer);
  return answer;
}

/** What the pair of versions changed, parsed once per pair of blob ids. */
async function changesBetween(
  git: GitObjectReader,
  cache: StageHistoryCache,
  before: readonly [string | null, string | null],
  after: readonly [string | null, string | null],
): Promise<StageFileChanges> {
  const key = [...after, ...before].map((b) => b ?? '-').join('\0');
  const hit = cache.transitions.get(key);
  if (hit) return hit;
  const files = async ([yamlBlob, lockBlob]: readonly [string | null, string | null]) => ({
    dvcYaml: await parsedAt(git, cache, yamlBlob, (t) => parseDvcYaml(t)),
    lock: await parsedAt(git, cache, lockBlob, (t) => parseDvcLock(t)),
  });
  const changes = diffStageFiles(await files(before), await files(after));
  cache.transitions.set(key, changes);
  return changes;
}
