/**
 * `cairn repro [STAGE…]` (`--dry`, `--force`): runs the stages whose deps, params, command or
 * outs changed, upstream first, each through the shell in its wdir, as `dvc repro` does. Each
 * stage's status is taken just before it would run, so a stage whose upstream re-ran but
 * produced the same outputs is skipped. Outputs (not `persist`) are removed before the run;
 * afterwards they are hashed, cached ones stored, and `dvc.lock` rewritten (atomically) after
 * every stage. The first failure stops everything, the stage's own output already shown.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  type DvcLock,
  getParam,
  type HashedEntry,
  joinPath,
  type LockStage,
  lockEntry,
  resolveStagePath,
  type Stage,
  serializeDvcLock,
  upstreamOf,
} from '@cairn/core';
import { writeFileAtomic } from '../atomic-write.ts';
import { CliError } from '../cli-error.ts';
import { ignoreInGit } from '../gitignore.ts';
import { HashState } from '../hash-state.ts';
import { LocalCache } from '../local-cache.ts';
import { loadPipeline, type Pipeline, pipelineStatus, readParamsFile, stagesNamedBy } from '../pipeline-state.ts';
import { absPath, findRepo, type Repo } from '../repo.ts';
import { hashWorkspacePath } from '../workspace-hash.ts';
import { describeStage } from './status.ts';

export interface ReproOptions {
  dry: boolean;
  force: boolean;
  quiet: boolean;
}

function cmdText(cmd: string | string[]): string {
  return Array.isArray(cmd) ? cmd.join('\n> ') : cmd;
}

/** Hashes a stage's deps and outs (storing cached outs) and reads its params: its new lock entry. */
async function lockStageAfterRun(repo: Repo, cache: LocalCache, stage: Stage, state: HashState): Promise<LockStage> {
  const deps: HashedEntry[] = [];
  for (const dep of stage.deps) {
    const h = await hashWorkspacePath(repo, resolveStagePath(stage, dep), 'md5', { state });
    if (!h) throw new CliError('stage_failed', `failed to reproduce '${stage.name}': missing dependency '${dep}'`);
    deps.push(lockEntry({ path: dep, md5: h.oid, size: h.size, ...(h.isDir ? { nfiles: h.nfiles ?? 0 } : {}) }));
  }
  const params: Record<string, Record<string, unknown>> = {};
  for (const { file, keys } of stage.params) {
    const value = readParamsFile(repo, resolveStagePath(stage, file));
    if (value === undefined)
      throw new CliError('stage_failed', `failed to reproduce '${stage.name}': params file '${file}' does not exist`);
    if (keys === null) {
      params[file] = { ...(value as Record<string, unknown>) };
      continue;
    }
    const values: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const key of keys) {
      const v = getParam(value, key);
      if (v === undefined) missing.push(key);
      else values[key] = v;
    }
    if (missing.length > 0) {
      throw new CliError(
        'stage_failed',
        `failed to reproduce '${stage.name}': parameters ${missing.map((k) => `'${k}'`).join(', ')} are missing from '${file}'`,
      );
    }
    params[file] = values;
  }
  const outs: HashedEntry[] = [];
  for (const out of stage.outs) {
    const h = await hashWorkspacePath(
      repo,
      resolveStagePath(stage, out.path),
      'md5',
      out.cache ? { cache, state } : { state },
    );
    if (!h)
      throw new CliError('stage_failed', `failed to reproduce '${stage.name}': output '${out.path}' does not exist`);
    outs.push(lockEntry({ path: out.path, md5: h.oid, size: h.size, ...(h.isDir ? { nfiles: h.nfiles ?? 0 } : {}) }));
    // Cached outputs belong to DVC, not git (as `dvc repro` keeps them out of git).
    if (out.cache) ignoreInGit(absPath(repo, resolveStagePath(stage, out.path)));
  }
  return { cmd: stage.cmd, deps, params, outs, extra: {} };
}

function runStage(repo: Repo, stage: Stage): void {
  const cwd = absPath(repo, resolveStagePath(stage, '.'));
  for (const out of stage.outs) {
    if (!out.persist) fs.rmSync(absPath(repo, resolveStagePath(stage, out.path)), { recursive: true, force: true });
  }
  for (const cmd of Array.isArray(stage.cmd) ? stage.cmd : [stage.cmd]) {
    const r = spawnSync(cmd, { cwd, shell: true, stdio: 'inherit' });
    if (r.error)
      throw new CliError(
        'stage_failed',
        `failed to reproduce '${stage.name}': failed to run: ${cmd}: ${r.error.message}`,
      );
    if (r.status !== 0) {
      const how = r.status === null ? `killed by ${r.signal}` : `exited with ${r.status}`;
      throw new CliError('stage_failed', `failed to reproduce '${stage.name}': failed to run: ${cmd}, ${how}`);
    }
  }
  for (const out of stage.outs) {
    if (!fs.existsSync(absPath(repo, resolveStagePath(stage, out.path)))) {
      throw new CliError('stage_failed', `failed to reproduce '${stage.name}': output '${out.path}' does not exist`);
    }
  }
}

/**
 * Writes back each dvc.lock that holds a stage of `lock`: stages under their names in that file,
 * in dvc.yaml order, then any the lock knows that dvc.yaml no longer has; its layout kept.
 */
function writeLock(repo: Repo, pipeline: Pipeline, lock: DvcLock): void {
  const byFile = new Map<string, Record<string, LockStage>>();
  const fileOf = (name: string) => {
    const source = pipeline.sources[name];
    if (source) return { lockFile: joinPath(source.dir, 'dvc.lock'), local: source.local };
    // A stage dvc.yaml no longer has: its qualified name says where it was.
    const colon = name.lastIndexOf(':');
    if (colon < 0) return { lockFile: 'dvc.lock', local: name };
    const dir = path.posix.dirname(name.slice(0, colon));
    return { lockFile: joinPath(dir, 'dvc.lock'), local: name.slice(colon + 1) };
  };
  const put = (name: string) => {
    const entry = lock.stages[name];
    if (!entry) return;
    const { lockFile, local } = fileOf(name);
    const stages = byFile.get(lockFile) ?? {};
    byFile.set(lockFile, stages);
    stages[local] ??= entry;
  };
  for (const s of pipeline.stages) put(s.name);
  for (const name of Object.keys(lock.stages)) put(name);
  for (const [lockFile, stages] of byFile) {
    const text = serializeDvcLock({ ...lock, stages }, pipeline.lockTexts[lockFile]);
    if (text === pipeline.lockTexts[lockFile]) continue;
    writeFileAtomic(absPath(repo, lockFile), text);
    pipeline.lockTexts[lockFile] = text;
  }
}

/** Runs the pipeline; returns the names of the stages that ran (or would, with --dry). */
export async function repro(cwd: string, targets: string[], opts: ReproOptions): Promise<string[]> {
  const repo = findRepo(cwd);
  const pipeline = await loadPipeline(repo);
  if (pipeline.stages.length === 0)
    throw new CliError('not_found', "no stages to reproduce: there is no 'dvc.yaml' with stages here");
  const byName = new Map(pipeline.stages.map((s) => [s.name, s]));
  let wanted: Set<string>;
  if (targets.length === 0) {
    wanted = new Set(byName.keys());
  } else {
    const named: string[] = [];
    for (const t of targets) {
      const names = stagesNamedBy(repo, cwd, pipeline, t);
      if (!names) throw new CliError('not_found', `'${t}' does not exist as a stage in 'dvc.yaml'`);
      named.push(...names);
    }
    wanted = new Set([...named, ...upstreamOf(pipeline.graph, named)].filter((n) => byName.has(n)));
  }
  const cache = new LocalCache(repo.cacheDir);
  const lock: DvcLock = pipeline.lock ?? { schema: '2.0', stages: {}, extra: {} };
  const ran: string[] = [];
  const say = (line: string) => {
    if (!opts.quiet) console.log(line);
  };
  const state = HashState.open(repo);
  try {
    await reproStages();
  } finally {
    state.save();
  }
  if (ran.length === 0) say('Data and pipelines are up to date.');
  else if (!opts.dry) {
    const locks = [...new Set(ran.map((n) => joinPath(pipeline.sources[n]?.dir ?? '.', 'dvc.lock')))];
    say(`To track the changes with git, run:\n\n\tgit add ${locks.join(' ')}\n`);
  }
  return ran;

  async function reproStages(): Promise<void> {
    for (const name of pipeline.graph.order) {
      const stage = byName.get(name);
      if (!stage || !wanted.has(name)) continue;
      if (stage.frozen && !opts.force) {
        say(`Stage '${name}' is frozen, skipping`);
        continue;
      }
      const [status] = await pipelineStatus(repo, { ...pipeline, lock }, [stage], state);
      const upstreamWouldRun = opts.dry && upstreamOf(pipeline.graph, [name]).some((u) => ran.includes(u));
      if (!opts.force && status?.state !== 'changed' && !upstreamWouldRun) {
        say(`Stage '${name}' didn't change, skipping`);
        continue;
      }
      say(`Running stage '${name}':\n> ${cmdText(stage.cmd)}`);
      if (opts.dry) {
        if (status && status.reasons.length > 0 && !opts.quiet) console.log(describeStage(status).join('\n'));
        ran.push(name);
        continue;
      }
      runStage(repo, stage);
      lock.stages[name] = await lockStageAfterRun(repo, cache, stage, state);
      say(`Updating lock file '${joinPath(pipeline.sources[name]?.dir ?? '.', 'dvc.lock')}'\n`);
      writeLock(repo, pipeline, lock);
      ran.push(name);
    }
  }
}
