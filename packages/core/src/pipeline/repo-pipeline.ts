/**
 * The whole pipeline of a repository, as DVC collects it: every `dvc.yaml` (one per folder) with
 * the `dvc.lock` beside it, the params and vars files they read, and every `.dvc` file. Stages of
 * a `dvc.yaml` outside the root are named as DVC names them, `folder/dvc.yaml:stage`; their
 * `wdir` is made repository-relative so one graph and one `stageStatus` cover every file, and
 * the locks are merged under those names.
 *
 * Reading is the caller's (`read` is handed in: git blobs in the browser, the disk in the CLI).
 * Nothing here throws on bad input: each file that does not parse is one entry of `errors`
 * (with file, line and column) and the rest is still loaded; a cycle or two stages writing one
 * path is named in `errors` and the stages it involves are left out until a graph can be built,
 * so what can be drawn is drawn.
 */
import { type DvcFile, parseDvcFile } from '../dvc/dvc-file.ts';
import { type DvcLock, type LockStage, parseDvcLock } from '../dvc/dvc-lock.ts';
import { type DvcYaml, parseDvcYaml } from '../dvc/dvc-yaml.ts';
import { expandStages, type Stage } from '../dvc/expand-stages.ts';
import { dirnameOf, joinPath } from '../dvc/posix-path.ts';
import type { ParseError } from '../errors/parse-error.ts';
import type { PipelineError } from '../errors/pipeline-error.ts';
import { parseParams } from '../params/params-file.ts';
import { buildStageGraph, type StageGraph } from './stage-graph.ts';

export interface RepoPipelineInput {
  /** Every file of the repository (repository-relative POSIX paths). */
  paths: readonly string[];
  /** The text of a file; undefined when it does not exist. */
  read(path: string): Promise<string | undefined> | string | undefined;
  /**
   * Parsed files kept between loads (`parseCache()`): a commit that changed only params.yaml
   * re-parses only params.yaml — a 200-stage dvc.lock takes YAML ~150 ms to parse.
   */
  parsed?: ParseCache;
}

/** Parse results by file kind, path and text; at most `limit` entries, the oldest dropped first. */
export interface ParseCache {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

export function parseCache(limit = 64): ParseCache {
  const entries = new Map<string, unknown>();
  return {
    get: (key) => entries.get(key),
    set: (key, value) => {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value as string);
    },
  };
}

/** `parse(text)`, through `cache` when there is one (parse results are never mutated here). */
function memo<T>(cache: ParseCache | undefined, kind: string, path: string, text: string, parse: () => T): T {
  if (!cache) return parse();
  const key = `${kind}\0${path}\0${text}`;
  const hit = cache.get(key) as T | undefined;
  if (hit !== undefined) return hit;
  const value = parse();
  cache.set(key, value);
  return value;
}

/** Where a stage of the merged pipeline was defined. */
export interface StageSource {
  /** The `dvc.yaml` (repository-relative). */
  file: string;
  /** Its folder ('.' for the root). */
  dir: string;
  /** The stage's name inside that file (`train`, `build@us`). */
  local: string;
}

export interface RepoPipeline {
  /** Every stage of every dvc.yaml: qualified names, `wdir` repository-relative. */
  stages: Stage[];
  /** Qualified stage name → where it is defined. */
  sources: Record<string, StageSource>;
  /** Every dvc.lock merged, keyed by qualified stage name. */
  lock: DvcLock;
  dvcFiles: { file: string; dvc: DvcFile }[];
  /** Parsed params and vars files by repository-relative path. */
  params: Record<string, unknown>;
  /** The graph of what could be drawn (stages named in a pipeline error are left out). */
  graph: StageGraph;
  /** The dvc.yaml files found, in path order. */
  dvcYamls: string[];
  /** Files that did not parse, and why the stages do not form a graph. */
  errors: (ParseError | PipelineError)[];
  /** Stages and `.dvc` files left out of `graph` because of a pipeline error. */
  excluded: string[];
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** DVC's name for a stage of the dvc.yaml at `file`: bare at the root, `file:stage` elsewhere. */
export function qualifiedStageName(file: string, local: string): string {
  return file === 'dvc.yaml' ? local : `${file}:${local}`;
}

/** Loads every pipeline file of a repository. */
export async function loadRepoPipeline(input: RepoPipelineInput): Promise<RepoPipeline> {
  const errors: (ParseError | PipelineError)[] = [];
  const params: Record<string, unknown> = {};
  const tried = new Set<string>();
  const load = async (path: string) => {
    if (tried.has(path)) return;
    tried.add(path);
    const text = await input.read(path);
    if (text === undefined) return;
    const parsed = memo(input.parsed, 'params', path, text, () => parseParams(text, path));
    if (parsed.ok) params[path] = parsed.value;
    else errors.push(parsed.error);
  };

  const sorted = [...input.paths].sort();
  const dvcYamls = sorted.filter((p) => baseName(p) === 'dvc.yaml' && !isInDvcFolder(p));
  const stages: Stage[] = [];
  const sources: Record<string, StageSource> = {};
  const lock: DvcLock = { schema: '2.0', stages: {}, extra: {} };

  for (const file of dvcYamls) {
    const dir = dirnameOf(file);
    const text = await input.read(file);
    if (text === undefined) continue;
    const parsed = memo(input.parsed, 'dvc.yaml', file, text, () => parseDvcYaml(text, file));
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    const dvcYaml = parsed.value;
    await loadExpansionFiles(dvcYaml, dir, load);
    const local: Record<string, unknown> = {};
    const prefix = dir === '.' ? '' : `${dir}/`;
    for (const [p, v] of Object.entries(params)) if (p.startsWith(prefix)) local[p.slice(prefix.length)] = v;
    const expanded = expandStages(dvcYaml, { files: local });
    if (!expanded.ok) {
      errors.push(withFile(expanded.error, file));
      continue;
    }
    const lockFile = joinPath(dir, 'dvc.lock');
    const lockText = await input.read(lockFile);
    let fileLock: DvcLock | null = null;
    if (lockText !== undefined) {
      const parsedLock = memo(input.parsed, 'dvc.lock', lockFile, lockText, () => parseDvcLock(lockText, lockFile));
      if (parsedLock.ok) fileLock = parsedLock.value;
      else errors.push(parsedLock.error);
    }
    for (const stage of expanded.value) {
      const name = qualifiedStageName(file, stage.name);
      stages.push({ ...stage, name, wdir: joinPath(dir, stage.wdir) });
      sources[name] = { file, dir, local: stage.name };
      const locked: LockStage | undefined = fileLock?.stages[stage.name];
      if (locked) lock.stages[name] = locked;
      for (const p of stage.params) await load(joinPath(dir, stage.wdir, p.file));
    }
  }

  const dvcFiles: { file: string; dvc: DvcFile }[] = [];
  for (const file of sorted) {
    if (!file.endsWith('.dvc') || isInDvcFolder(file)) continue;
    const text = await input.read(file);
    if (text === undefined) continue;
    const parsed = memo(input.parsed, '.dvc', file, text, () => parseDvcFile(text, file));
    if (parsed.ok) dvcFiles.push({ file, dvc: parsed.value });
    else errors.push(parsed.error);
  }

  const { graph, excluded, problems } = buildWhatCanBeBuilt(stages, dvcFiles);
  errors.push(...problems);
  return { stages, sources, lock, dvcFiles, params, graph, dvcYamls, errors, excluded };
}

/** `.dvc/` holds DVC's own config and cache, never pipeline files. */
function isInDvcFolder(path: string): boolean {
  return path === '.dvc' || path.startsWith('.dvc/');
}

/** An expansion error names no file when it comes from a vars file; say which dvc.yaml. */
function withFile(error: ParseError, file: string): ParseError {
  if (error.file !== undefined) return error;
  Object.defineProperty(error, 'file', { value: file, enumerable: true });
  return error;
}

/** The files expansion may read: params.yaml, top-level and stage-level `vars` files. */
async function loadExpansionFiles(dvcYaml: DvcYaml, dir: string, load: (p: string) => Promise<void>): Promise<void> {
  await load(joinPath(dir, 'params.yaml'));
  const varFiles = async (list: unknown, wdir: string) => {
    if (!Array.isArray(list)) return;
    for (const v of list) if (typeof v === 'string') await load(joinPath(dir, wdir, v.split(':')[0]!));
  };
  await varFiles(dvcYaml.vars, '.');
  for (const def of Object.values(dvcYaml.stages)) {
    const wdir = typeof def.wdir === 'string' && !def.wdir.includes('${') ? def.wdir : '.';
    await varFiles(def.vars, wdir);
    if (wdir !== '.') await load(joinPath(dir, wdir, 'params.yaml'));
  }
}

/**
 * The graph, leaving out one node named by each pipeline error until the rest forms a DAG (the
 * later-defined of the two writers of one path, one stage of a cycle).
 */
function buildWhatCanBeBuilt(
  stages: Stage[],
  dvcFiles: { file: string; dvc: DvcFile }[],
): { graph: StageGraph; excluded: string[]; problems: PipelineError[] } {
  const excluded = new Set<string>();
  const problems: PipelineError[] = [];
  for (;;) {
    const built = buildStageGraph({
      stages: stages.filter((s) => !excluded.has(s.name)),
      dvcFiles: dvcFiles.filter((f) => !excluded.has(f.file)),
    });
    if (built.ok) return { graph: built.value, excluded: [...excluded], problems };
    problems.push(built.error);
    const drop = built.error.stages.at(-1);
    if (drop === undefined || excluded.has(drop)) {
      return { graph: { nodes: [], edges: [], order: [] }, excluded: [...excluded], problems };
    }
    excluded.add(drop);
  }
}
