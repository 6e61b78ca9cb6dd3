/**
 * `cairn status`: what `dvc status` reports — per stage of dvc.yaml (through core's
 * `stageStatus`) and per `.dvc` file, every change with its reason, in DVC's layout. `-q`
 * prints nothing and exits 1 when anything changed; `--json` prints the reasons as JSON.
 */
import type { StageStatus, StatusReason } from '@cairn/core';
import { HashState } from '../hash-state.ts';
import { loadPipeline, pipelineStatus } from '../pipeline-state.ts';
import { findRepo, type Repo } from '../repo.ts';
import { outsOfDvcFile } from '../tracked.ts';
import type { Listings } from '../walk.ts';
import { hashWorkspacePath } from '../workspace-hash.ts';

const pad = (word: string) => `${word}:`.padEnd(20);

export interface Change {
  /** Stage name or `.dvc` file. */
  name: string;
  lines: string[];
  reasons: unknown[];
}

/** DVC's wording for a stage's reasons, grouped as `dvc status` prints them. */
export function describeStage(s: StageStatus): string[] {
  const deps: string[] = [];
  const params = new Map<string, string[]>();
  const outs: string[] = [];
  const other: string[] = [];
  const verb = { dep_modified: 'modified', dep_new: 'new', dep_deleted: 'deleted' } as const;
  for (const r of s.reasons as StatusReason[]) {
    switch (r.kind) {
      case 'dep_modified':
      case 'dep_new':
      case 'dep_deleted':
        deps.push(`\t\t${pad(verb[r.kind])}${r.path}`);
        break;
      case 'params_changed': {
        const list = params.get(r.file) ?? [];
        list.push(`\t\t\t${pad(r.change)}${r.key}`);
        params.set(r.file, list);
        break;
      }
      case 'out_missing':
        outs.push(`\t\t${pad('deleted')}${r.path}`);
        break;
      case 'out_modified':
        outs.push(`\t\t${pad('modified')}${r.path}`);
        break;
      case 'out_new':
        outs.push(`\t\t${pad('new')}${r.path}`);
        break;
      case 'cmd_changed':
        other.push('\tchanged command');
        break;
      case 'always_changed':
        other.push('\talways changed');
        break;
      case 'not_in_lock':
        other.push('\tnot in dvc.lock (never run)');
        break;
      case 'upstream_changed':
        other.push(`\tupstream stage changed: ${r.stage}`);
        break;
    }
  }
  const lines: string[] = [];
  if (deps.length > 0 || params.size > 0) {
    lines.push('\tchanged deps:');
    for (const [file, keys] of params) lines.push(`\t\t${file}:`, ...keys);
    lines.push(...deps);
  }
  if (outs.length > 0) lines.push('\tchanged outs:', ...outs);
  lines.push(...other);
  return lines;
}

export async function collectChanges(repo: Repo): Promise<Change[]> {
  // Each folder is read once: the walk for pipeline files lists the tracked folders too.
  const listings: Listings = new Map();
  const pipeline = await loadPipeline(repo, { listings });
  const changes: Change[] = [];
  // Files unchanged since they were last hashed are not read again (hash-state.ts).
  const state = HashState.open(repo);
  for (const s of await pipelineStatus(repo, pipeline, pipeline.stages, state)) {
    if (s.state === 'changed') changes.push({ name: s.stage, lines: describeStage(s), reasons: s.reasons });
  }
  for (const { file, dvc } of pipeline.dvcFiles) {
    const lines: string[] = [];
    const reasons: unknown[] = [];
    for (const out of outsOfDvcFile(repo, file, dvc)) {
      const h = await hashWorkspacePath(repo, out.path, out.algorithm, { state, listings });
      const change = !h ? 'deleted' : !out.oid ? 'new' : h.oid !== out.oid ? 'modified' : undefined;
      if (!change) continue;
      lines.push(`\t\t${pad(change)}${out.path}`);
      reasons.push({ kind: `out_${change}`, path: out.path });
    }
    if (lines.length > 0) changes.push({ name: file, lines: ['\tchanged outs:', ...lines], reasons });
  }
  state.save();
  return changes;
}

export async function status(cwd: string, opts: { quiet: boolean; json: boolean }): Promise<number> {
  const repo = findRepo(cwd);
  const changes = await collectChanges(repo);
  if (opts.json) {
    console.log(JSON.stringify(Object.fromEntries(changes.map((c) => [c.name, c.reasons])), null, 2));
  } else if (!opts.quiet) {
    if (changes.length === 0) console.log('Data and pipelines are up to date.');
    for (const c of changes) console.log(`${c.name}:\n${c.lines.join('\n')}`);
  }
  return opts.quiet && changes.length > 0 ? 1 : 0;
}
