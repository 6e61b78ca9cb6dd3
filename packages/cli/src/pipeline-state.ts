/**
 * Loading the pipeline of the repository root's `dvc.yaml` with core's parsers — expanded
 * stages, `dvc.lock`, the params and vars files they read, the `.dvc` files, the stage graph —
 * and measuring the workspace for core's `stageStatus` (which does no I/O: it is handed the
 * current hashes and params here). Also the full list of cached outputs (`.dvc` + `dvc.lock`)
 * that checkout, push and pull move.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  buildStageGraph,
  type DvcFile,
  type DvcLock,
  type DvcYaml,
  expandStages,
  type HashAlgorithm,
  type HashKind,
  hashAlgorithmOf,
  joinPath,
  parseDvcLock,
  parseDvcYaml,
  parseParams,
  resolveStagePath,
  type Stage,
  type StageGraph,
  type StageStatus,
  stageStatus,
} from '@cairn/core';
import { CliError } from './cli-error.ts';
import { absPath, type Repo, repoPath } from './repo.ts';
import { findDvcFiles, outsOfDvcFile, readDvcFile, type TrackedOut } from './tracked.ts';
import { hashWorkspacePath } from './workspace-hash.ts';

export interface Pipeline {
  dvcYaml?: DvcYaml;
  stages: Stage[];
  lock: DvcLock | null;
  /** The lock file's text, so a rewrite keeps its layout. */
  lockText?: string;
  dvcFiles: { file: string; dvc: DvcFile }[];
  graph: StageGraph;
  /** Parsed params/vars files by repo-relative path (only those that exist and parse). */
  params: Record<string, unknown>;
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

export function loadPipeline(repo: Repo): Pipeline {
  const dvcFiles = findDvcFiles(repo).map((file) => ({ file, dvc: readDvcFile(repo, file) }));
  const yamlText = readIfExists(absPath(repo, 'dvc.yaml'));
  const lockText = readIfExists(absPath(repo, 'dvc.lock'));
  let dvcYaml: DvcYaml | undefined;
  let stages: Stage[] = [];
  const params: Record<string, unknown> = {};
  const load = (posix: string) => {
    if (Object.hasOwn(params, posix)) return;
    const v = readParamsFile(repo, posix);
    if (v !== undefined) params[posix] = v;
  };
  if (yamlText !== undefined) {
    const parsed = parseDvcYaml(yamlText, 'dvc.yaml');
    if (!parsed.ok) throw new CliError('bad_file', parsed.error.describe());
    dvcYaml = parsed.value;
    // Files expansion may read: params.yaml, top-level and stage-level `vars` files.
    load('params.yaml');
    const varFiles = (list: unknown, wdir: string) => {
      if (!Array.isArray(list)) return;
      for (const v of list) if (typeof v === 'string') load(joinPath(wdir, v.split(':')[0]!));
    };
    varFiles(dvcYaml.vars, '.');
    for (const def of Object.values(dvcYaml.stages)) {
      const wdir = typeof def.wdir === 'string' && !def.wdir.includes('${') ? def.wdir : '.';
      varFiles(def.vars, wdir);
      if (wdir !== '.') load(joinPath(wdir, 'params.yaml'));
    }
    const expanded = expandStages(dvcYaml, { files: params });
    if (!expanded.ok) throw new CliError('bad_file', expanded.error.describe());
    stages = expanded.value;
    for (const s of stages) for (const p of s.params) load(resolveStagePath(s, p.file));
  }
  let lock: DvcLock | null = null;
  if (lockText !== undefined) {
    const parsed = parseDvcLock(lockText, 'dvc.lock');
    if (!parsed.ok) throw new CliError('bad_file', parsed.error.describe());
    lock = parsed.value;
  }
  const graph = buildStageGraph({ stages, dvcFiles });
  if (!graph.ok) throw new CliError('pipeline', graph.error.message);
  const p: Pipeline = { stages, lock, dvcFiles, graph: graph.value, params };
  if (dvcYaml) p.dvcYaml = dvcYaml;
  if (lockText !== undefined) p.lockText = lockText;
  return p;
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
  const pipeline = loadPipeline(repo);
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
    const byStage = outs.filter((o) => o.source === `dvc.lock:${t}`);
    let posix: string | undefined;
    if (fs.existsSync(path.resolve(cwd, t)) || t.includes('/') || t.includes('.'))
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
    const h = await hashWorkspacePath(repo, p, algorithm as HashAlgorithm);
    hashes.set(key, h ? h.oid : null);
  }
  return hashes;
}

/** `stageStatus` over the workspace as it is now. */
export async function pipelineStatus(repo: Repo, pipeline: Pipeline, stages = pipeline.stages): Promise<StageStatus[]> {
  const hashes = await measureStages(repo, pipeline, stages);
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
