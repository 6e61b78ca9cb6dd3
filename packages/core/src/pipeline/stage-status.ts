/**
 * What `dvc status` reports for a pipeline: for each stage, up to date or changed, with every
 * reason, from the current hashes of its deps and outs and the current params values (the
 * caller computes them: no I/O here) against `dvc.lock`. Stages downstream of a changed stage
 * are changed too, because re-running it will change their inputs.
 */
import type { DvcLock, LockStage } from '../dvc/dvc-lock.ts';
import type { Stage } from '../dvc/expand-stages.ts';
import type { HashedEntry, HashKind } from '../dvc/hashed-entry.ts';
import { joinPath } from '../dvc/posix-path.ts';
import type { PipelineError } from '../errors/pipeline-error.ts';
import { ok, type Result } from '../errors/result.ts';
import { getParam } from '../params/params-file.ts';
import { deepEqual } from '../yaml/deep-equal.ts';
import { buildStageGraph, type GraphEdge, type StageGraph } from './stage-graph.ts';

export type StatusReason =
  | { kind: 'not_in_lock' }
  | { kind: 'always_changed' }
  | { kind: 'cmd_changed'; old: string | string[]; new: string | string[] }
  | { kind: 'dep_modified' | 'dep_new' | 'dep_deleted'; path: string }
  | { kind: 'out_missing' | 'out_modified' | 'out_new'; path: string }
  | {
      kind: 'params_changed';
      file: string;
      key: string;
      change: 'modified' | 'new' | 'deleted';
      old?: unknown;
      new?: unknown;
    }
  | { kind: 'upstream_changed'; stage: string };

export interface StageStatus {
  stage: string;
  state: 'up_to_date' | 'changed';
  /** Own reasons first, then `upstream_changed` for each changed stage upstream. */
  reasons: StatusReason[];
  frozen: boolean;
}

export interface StatusInput {
  stages: Stage[];
  lock: DvcLock | null;
  /** Directory of the dvc.yaml, relative to the repository root ('.' by default). */
  dir?: string;
  /**
   * The current hash of a repository-relative path, computed with `kind` (the lock entry's, or
   * 'md5' for paths the lock does not know): null when the path does not exist, undefined when
   * it is not known (then it is not compared).
   */
  hashOf(path: string, kind: HashKind): string | null | undefined;
  /** Current parsed params files by repository-relative path; missing or null = no such file. */
  params: Record<string, unknown>;
  /** A graph already built from the same stages (built here when absent). */
  graph?: StageGraph;
}

/** Status of every stage, in pipeline order. */
export function stageStatus(input: StatusInput): Result<StageStatus[], PipelineError> {
  const dir = input.dir ?? '.';
  let graph = input.graph;
  if (!graph) {
    const built = buildStageGraph({ stages: input.stages, dir });
    if (!built.ok) return built;
    graph = built.value;
  }
  const own = new Map<string, StageStatus>();
  for (const stage of input.stages) {
    const locked = input.lock?.stages[stage.name];
    own.set(stage.name, {
      stage: stage.name,
      state: 'up_to_date',
      reasons: ownReasons(stage, locked, input, dir),
      frozen: stage.frozen,
    });
  }
  const result: StageStatus[] = [];
  const changed = new Set<string>();
  const incoming = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  for (const id of graph.order) {
    const status = own.get(id);
    if (!status) continue;
    // Each changed stage upstream, direct or through others, is named once.
    const upstream = new Set<string>();
    for (const e of incoming.get(id) ?? []) {
      if (!changed.has(e.from)) continue;
      upstream.add(e.from);
      for (const r of own.get(e.from)?.reasons ?? []) if (r.kind === 'upstream_changed') upstream.add(r.stage);
    }
    for (const u of graph.order) if (upstream.has(u)) status.reasons.push({ kind: 'upstream_changed', stage: u });
    if (status.reasons.length > 0) {
      status.state = 'changed';
      changed.add(id);
    }
    result.push(status);
  }
  return ok(result);
}

function ownReasons(stage: Stage, locked: LockStage | undefined, input: StatusInput, dir: string): StatusReason[] {
  const reasons: StatusReason[] = [];
  if (stage.alwaysChanged) reasons.push({ kind: 'always_changed' });
  if (!locked) {
    reasons.push({ kind: 'not_in_lock' });
    return reasons;
  }
  const resolve = (p: string) => joinPath(dir, stage.wdir, p);
  // Like DVC's Stage.changed(): the command is always compared; a frozen stage skips its deps.
  if (!deepEqual(stage.cmd, locked.cmd)) reasons.push({ kind: 'cmd_changed', old: locked.cmd, new: stage.cmd });
  if (!stage.frozen) {
    const lockedDeps = byPath(locked.deps);
    for (const dep of stage.deps) {
      const entry = lockedDeps.get(dep);
      const current = input.hashOf(resolve(dep), entry?.hashKind ?? 'md5');
      if (current === null) reasons.push({ kind: 'dep_deleted', path: dep });
      else if (!entry) reasons.push({ kind: 'dep_new', path: dep });
      else if (current !== undefined && current !== entry.md5) reasons.push({ kind: 'dep_modified', path: dep });
    }
    for (const entry of locked.deps) {
      if (!stage.deps.includes(entry.path)) reasons.push({ kind: 'dep_deleted', path: entry.path });
    }
    reasons.push(...paramsReasons(stage, locked, input, resolve));
  }
  const lockedOuts = byPath(locked.outs);
  for (const out of stage.outs) {
    const entry = lockedOuts.get(out.path);
    const current = input.hashOf(resolve(out.path), entry?.hashKind ?? 'md5');
    if (current === null) reasons.push({ kind: 'out_missing', path: out.path });
    else if (!entry) reasons.push({ kind: 'out_new', path: out.path });
    else if (current !== undefined && current !== entry.md5) reasons.push({ kind: 'out_modified', path: out.path });
  }
  return reasons;
}

function byPath(entries: HashedEntry[]): Map<string, HashedEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function paramsReasons(
  stage: Stage,
  locked: LockStage,
  input: StatusInput,
  resolve: (p: string) => string,
): StatusReason[] {
  const reasons: StatusReason[] = [];
  for (const { file, keys } of stage.params) {
    const current = input.params[resolve(file)];
    const was = locked.params[file] ?? {};
    const names = keys ?? [...new Set([...Object.keys(isRecord(current) ? current : {}), ...Object.keys(was)])];
    for (const key of names) {
      const now = keys === null ? (isRecord(current) ? current[key] : undefined) : getParam(current, key);
      const before = Object.hasOwn(was, key) ? was[key] : undefined;
      if (before === undefined && now === undefined) continue;
      if (before === undefined) reasons.push({ kind: 'params_changed', file, key, change: 'new', new: now });
      else if (now === undefined) reasons.push({ kind: 'params_changed', file, key, change: 'deleted', old: before });
      else if (!deepEqual(before, now))
        reasons.push({ kind: 'params_changed', file, key, change: 'modified', old: before, new: now });
    }
  }
  for (const file of Object.keys(locked.params)) {
    if (stage.params.some((p) => p.file === file)) continue;
    for (const [key, old] of Object.entries(locked.params[file] ?? {})) {
      reasons.push({ kind: 'params_changed', file, key, change: 'deleted', old });
    }
  }
  return reasons;
}
