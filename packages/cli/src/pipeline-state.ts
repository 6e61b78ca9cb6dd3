/**
 * Loading the repository's pipeline through core's `loadRepoPipeline` — every `dvc.yaml` in the
 * workspace (one per folder, as DVC allows), each with its `dvc.lock`, the params and vars files
 * they read, the `.dvc` files, the stage graph — so every command sees the stages DVC sees, named
 * as DVC names them (`stage` at the root, `folder/dvc.yaml:stage` elsewhere). Also measuring the
 * workspace for core's `stageStatus` (which does no I/O: it is handed the current hashes and
 * params here), and the full list of cached outputs (`.dvc` + every `dvc.lock`) that checkout,
 * push and pull move.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type DvcFile,
  type DvcLock,
  type HashAlgorithm,
  type HashKind,
  hashAlgorithmOf,
  loadRepoPipeline,
  parseParams,
  qualifiedStageName,
  resolveStagePath,
  type Stage,
  type StageGraph,
  type StageSource,
  type StageStatus,
  stageStatus,
} from '@cairn/core';
import { CliError } from './cli-error.ts';
import type { HashState } from './hash-state.ts';
import { absPath, type Repo, repoPath } from './repo.ts';
import { outsOfDvcFile, type TrackedOut } from './tracked.ts';
import { type Listings, walkFiles } from './walk.ts';
import { hashWorkspacePath } from './workspace-hash.ts';

export interface Pipeline {
  /** Every stage of every dvc.yaml: qualified names, `wdir` repository-relative. */
  stages: Stage[];
  /** Qualified stage name → the dvc.yaml defining it and its name there. */
  sources: Record<string, StageSource>;
  /** Every dvc.lock merged under qualified names (null when there is none). */
  lock: DvcLock | null;
  /** The text of each dvc.lock by repository path, so a rewrite keeps its layout. */
  lockTexts: Record<string, string>;
  dvcFiles: { file: string; dvc: DvcFile }[];
  graph: StageGraph;
  /** Parsed params/vars files by repo-relative path (only those that exist and parse). */
  params: Record<string, unknown>;
  /** The dvc.yaml files, repository-relative, in path order. */
  dvcYamls: string[];
}

function readIfExists(abs: string): string | undefined {
  return fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : undefined;
}

/** Parses a params/vars file; undefined when absent. Errors are the user's to fix: reported. */
export function readParamsFile(repo: Repo, posix: string): unknown {
  const text = readIfExists(absPath(repo, posix));
  if (text === undefined) return undefined;
  const parsed = parseParams(text, posix);
  if (!parsed.ok) throw new CliError('bad_file', parsed.error.describe());
  return parsed.value;
}

/** Every pipeline file of the workspace. A file that does not parse, or a cycle, stops the command. */
export async function loadPipeline(repo: Repo, opts: { listings?: Listings } = {}): Promise<Pipeline> {
  const paths = walkFiles(repo, '.', { names: true, ...opts })
    .map((f) => f.relpath)
    .filter((p) => p.endsWith('.dvc') || p === 'dvc.yaml' || p.endsWith('/dvc.yaml'));
  const lockTexts: Record<string, string> = {};
  const loaded = await loadRepoPipeline({
    paths,
    read: (posix) => {
      const text = readIfExists(absPath(repo, posix));
      if (text !== undefined && (posix === 'dvc.lock' || posix.endsWith('/dvc.lock'))) lockTexts[posix] = text;
      return text;
    },
  });
  const [first] = loaded.errors;
  if (first) {
    throw 'describe' in first ? new CliError('bad_file', first.describe()) : new CliError('pipeline', first.message);
  }
  return {
    stages: loaded.stages,
    sources: loaded.sources,
    lock: Object.keys(lockTexts).length > 0 ? loaded.lock : null,
    lockTexts,
    dvcFiles: loaded.dvcFiles,
    graph: loaded.graph,
    params: loaded.params,
    dvcYamls: loaded.dvcYamls,
  };
}

/**
 * The qualified stage names a command-line target may mean, as DVC reads it, most likely first:
 * `path/to/dvc.yaml:stage` (the file relative to `cwd`), or a bare name — in the `dvc.yaml` of
 * the folder we are in, then at the root.
 */
export function stageCandidates(repo: Repo, cwd: string, target: string): string[] {
  const colon = target.lastIndexOf(':');
  if (colon > 0) {
    const file = repoPath(repo, path.resolve(cwd, target.slice(0, colon)));
    return [qualifiedStageName(file, target.slice(colon + 1))];
  }
  const here = repoPath(repo, cwd);
  const local = qualifiedStageName(here === '.' ? 'dvc.yaml' : `${here}/dvc.yaml`, target);
  return local === target ? [target] : [local, target];
}

/** The stages a target names: one stage, or every stage of a `dvc.yaml` path; undefined when none. */
export function stagesNamedBy(repo: Repo, cwd: string, pipeline: Pipeline, target: string): string[] | undefined {
  if (path.basename(target) === 'dvc.yaml') {
    const posix = repoPath(repo, path.resolve(cwd, target));
    const all = pipeline.stages.filter((s) => pipeline.sources[s.name]?.file === posix).map((s) => s.name);
    return all.length > 0 ? all : undefined;
  }
  const name = stageCandidates(repo, cwd, target).find((n) => Object.hasOwn(pipeline.sources, n));
  return name === undefined ? undefined : [name];
}

/** Cached outs recorded in `dvc.lock`, with the flags dvc.yaml gives them. */
export function lockedOuts(pipeline: Pipeline): TrackedOut[] {
  const out: TrackedOut[] = [];
  for (const stage of pipeline.stages) {
    const locked = pipeline.lock?.stages[stage.name];
    if (!locked) continue;
    for (const o of stage.outs) {
      if (!o.cache) continue;
      const entry = locked.outs.find((e) => e.path === o.path);
      if (!entry?.md5) continue;
      const algorithm = hashAlgorithmOf({ hash: entry.hashKind === 'md5-dos2unix' ? undefined : entry.hashKind });
      if (!algorithm) continue;
      const t: TrackedOut = {
        path: resolveStagePath(stage, o.path),
        oid: entry.md5,
        algorithm,
        source: `dvc.lock:${stage.name}`,
        push: o.push,
      };
      if (entry.size !== undefined) t.size = entry.size;
      if (entry.nfiles !== undefined) t.nfiles = entry.nfiles;
      out.push(t);
    }
  }
  return out;
}

/** Every cached out of the repository: `.dvc` files first, then `dvc.lock`. */
export async function collectTracked(repo: Repo): Promise<TrackedOut[]> {
  const pipeline = await loadPipeline(repo);
  return [...pipeline.dvcFiles.flatMap(({ file, dvc }) => outsOfDvcFile(repo, file, dvc)), ...lockedOuts(pipeline)];
}

/**
 * The outs named by command-line targets (paths, `.dvc` files, or stage names); all when none.
 * A path selects outs it equals or contains, and outs containing it.
 */
export function selectTargets(repo: Repo, cwd: string, outs: TrackedOut[], targets: string[]): TrackedOut[] {
  if (targets.length === 0) return outs;
  const chosen = new Set<TrackedOut>();
  for (const t of targets) {
    const names = stageCandidates(repo, cwd, t);
    const stageName = names.find((n) => outs.some((o) => o.source === `dvc.lock:${n}`));
    const byStage = outs.filter((o) => o.source === `dvc.lock:${stageName}`);
    let posix: string | undefined;
    if (fs.existsSync(path.resolve(cwd, t)) || ((t.includes('/') || t.includes('.')) && !t.includes(':')))
      posix = repoPath(repo, path.resolve(cwd, t));
    const matched =
      byStage.length > 0
        ? byStage
        : outs.filter(
            (o) =>
              posix !== undefined &&
              (o.source === posix ||
                o.path === posix ||
                o.path.startsWith(`${posix}/`) ||
                posix.startsWith(`${o.path}/`) ||
                `${o.path}.dvc` === posix),
          );
    if (matched.length === 0) throw new CliError('not_found', `'${t}' does not exist as an output or a stage name`);
    for (const m of matched) chosen.add(m);
  }
  return [...chosen];
}

/** Current hashes of every dep and out of `stages`, keyed `kind\0path`, for `stageStatus`. */
export async function measureStages(
  repo: Repo,
  pipeline: Pipeline,
  stages: Stage[],
  state?: HashState,
): Promise<Map<string, string | null>> {
  const wanted = new Map<string, { path: string; kind: HashKind }>();
  for (const s of stages) {
    const locked = pipeline.lock?.stages[s.name];
    const kindOf = (written: string, entries: { path: string; hashKind: HashKind }[] | undefined) =>
      entries?.find((e) => e.path === written)?.hashKind ?? 'md5';
    for (const d of s.deps) {
      const p = resolveStagePath(s, d);
      const kind = kindOf(d, locked?.deps);
      wanted.set(`${kind}\0${p}`, { path: p, kind });
    }
    for (const o of s.outs) {
      const p = resolveStagePath(s, o.path);
      const kind = kindOf(o.path, locked?.outs);
      wanted.set(`${kind}\0${p}`, { path: p, kind });
    }
  }
  const hashes = new Map<string, string | null>();
  for (const [key, { path: p, kind }] of wanted) {
    const algorithm = hashAlgorithmOf({ hash: kind === 'md5-dos2unix' ? undefined : kind });
    if (!algorithm) continue;
    const h = await hashWorkspacePath(repo, p, algorithm as HashAlgorithm, state ? { state } : {});
    hashes.set(key, h ? h.oid : null);
  }
  return hashes;
}

/** `stageStatus` over the workspace as it is now. */
export async function pipelineStatus(
  repo: Repo,
  pipeline: Pipeline,
  stages = pipeline.stages,
  state?: HashState,
): Promise<StageStatus[]> {
  const hashes = await measureStages(repo, pipeline, stages, state);
  const result = stageStatus({
    stages,
    lock: pipeline.lock,
    params: pipeline.params,
    graph: pipeline.graph,
    hashOf: (p, kind) => hashes.get(`${kind}\0${p}`),
  });
  if (!result.ok) throw new CliError('pipeline', result.error.message);
  return result.value;
}
