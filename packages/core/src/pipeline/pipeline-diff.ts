/**
 * The difference between the pipeline at two refs, stage by stage: added, removed, or changed
 * with what changed — the command, the deps and outs declared, the params values the stage reads
 * (from the params files at each ref), and the dep and out hashes recorded in dvc.lock. Edges of
 * the stage graph added or removed are listed too, so a diff view can highlight them.
 */
import { joinPath } from '../dvc/posix-path.ts';
import { getParam } from '../params/params-file.ts';
import { deepEqual } from '../yaml/deep-equal.ts';
import type { RepoPipeline } from './repo-pipeline.ts';

export type StageChangeField = 'cmd' | 'wdir' | 'deps' | 'outs' | 'params' | 'dep_hash' | 'out_hash' | 'frozen';

export interface StageChange {
  field: StageChangeField;
  /** The path, params key, or '' for the command. */
  subject: string;
  change: 'added' | 'removed' | 'modified';
  old?: unknown;
  new?: unknown;
}

export interface StageDiff {
  stage: string;
  change: 'added' | 'removed' | 'changed';
  /** Empty for added and removed stages. */
  changes: StageChange[];
}

export interface EdgeDiff {
  from: string;
  to: string;
  change: 'added' | 'removed';
}

export interface PipelineDiff {
  /** Stages that differ (unchanged ones are left out), head order then removed ones. */
  stages: StageDiff[];
  edges: EdgeDiff[];
}

/** The param values a stage reads, keyed `file:key` (repository-relative file). */
function paramValues(p: RepoPipeline, stageName: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const stage = p.stages.find((s) => s.name === stageName);
  if (!stage) return out;
  for (const { file, keys } of stage.params) {
    const data = p.params[joinPath(stage.wdir, file)];
    const names = keys ?? (typeof data === 'object' && data !== null && !Array.isArray(data) ? Object.keys(data) : []);
    for (const key of names) out.set(`${file}:${key}`, getParam(data, key));
  }
  return out;
}

function compareSets(field: StageChangeField, before: string[], after: string[]): StageChange[] {
  const a = new Set(before);
  const b = new Set(after);
  return [
    ...after.filter((x) => !a.has(x)).map((subject) => ({ field, subject, change: 'added' as const })),
    ...before.filter((x) => !b.has(x)).map((subject) => ({ field, subject, change: 'removed' as const })),
  ];
}

function compareHashes(
  field: 'dep_hash' | 'out_hash',
  before: { path: string; md5?: string | undefined }[] = [],
  after: { path: string; md5?: string | undefined }[] = [],
): StageChange[] {
  const was = new Map(before.map((e) => [e.path, e.md5]));
  const changes: StageChange[] = [];
  for (const e of after) {
    if (!was.has(e.path)) continue;
    const old = was.get(e.path);
    if (old !== e.md5) changes.push({ field, subject: e.path, change: 'modified', old, new: e.md5 });
  }
  return changes;
}

export function diffPipelines(base: RepoPipeline, head: RepoPipeline): PipelineDiff {
  const before = new Map(base.stages.map((s) => [s.name, s]));
  const after = new Map(head.stages.map((s) => [s.name, s]));
  const stages: StageDiff[] = [];
  for (const [name, now] of after) {
    const was = before.get(name);
    if (!was) {
      stages.push({ stage: name, change: 'added', changes: [] });
      continue;
    }
    const changes: StageChange[] = [];
    if (!deepEqual(was.cmd, now.cmd))
      changes.push({ field: 'cmd', subject: '', change: 'modified', old: was.cmd, new: now.cmd });
    if (was.wdir !== now.wdir)
      changes.push({ field: 'wdir', subject: '', change: 'modified', old: was.wdir, new: now.wdir });
    if (was.frozen !== now.frozen)
      changes.push({ field: 'frozen', subject: '', change: 'modified', old: was.frozen, new: now.frozen });
    changes.push(...compareSets('deps', was.deps, now.deps));
    changes.push(
      ...compareSets(
        'outs',
        was.outs.map((o) => o.path),
        now.outs.map((o) => o.path),
      ),
    );
    const pa = paramValues(base, name);
    const pb = paramValues(head, name);
    for (const [key, value] of pb) {
      if (!pa.has(key)) changes.push({ field: 'params', subject: key, change: 'added', new: value });
      else if (!deepEqual(pa.get(key), value))
        changes.push({ field: 'params', subject: key, change: 'modified', old: pa.get(key), new: value });
    }
    for (const [key, value] of pa) {
      if (!pb.has(key)) changes.push({ field: 'params', subject: key, change: 'removed', old: value });
    }
    const la = base.lock.stages[name];
    const lb = head.lock.stages[name];
    changes.push(...compareHashes('dep_hash', la?.deps, lb?.deps));
    changes.push(...compareHashes('out_hash', la?.outs, lb?.outs));
    if (changes.length > 0) stages.push({ stage: name, change: 'changed', changes });
  }
  for (const name of before.keys()) if (!after.has(name)) stages.push({ stage: name, change: 'removed', changes: [] });

  const key = (e: { from: string; to: string }) => `${e.from}\u0000${e.to}`;
  const ea = new Set(base.graph.edges.map(key));
  const eb = new Set(head.graph.edges.map(key));
  const edges: EdgeDiff[] = [
    ...head.graph.edges
      .filter((e) => !ea.has(key(e)))
      .map((e) => ({ from: e.from, to: e.to, change: 'added' as const })),
    ...base.graph.edges
      .filter((e) => !eb.has(key(e)))
      .map((e) => ({ from: e.from, to: e.to, change: 'removed' as const })),
  ];
  return { stages, edges };
}
