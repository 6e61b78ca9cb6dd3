/**
 * Expanding `dvc.yaml` into concrete stages as DVC does before it runs or locks anything:
 * global `vars` (and `params.yaml`, loaded by default) form the context; `foreach` and `matrix`
 * groups generate `group@key` / `group@a-b` stages; every `${…}` is resolved; params, outs,
 * metrics and plots are normalised with their default flags.
 *
 * No I/O: the caller reads the files `vars` and `params.yaml` name, parses them (params/ does
 * that) and passes their values in `files`, keyed by path relative to the dvc.yaml directory.
 */
import { CairnError } from '../errors/cairn-error.ts';
import { ParseError } from '../errors/parse-error.ts';
import { failWith, ok, type Result } from '../errors/result.ts';
import { getParam } from '../params/params-file.ts';
import { deepEqual } from '../yaml/deep-equal.ts';
import type { DvcYaml, StageDefinition } from './dvc-yaml.ts';
import {
  type Context,
  InterpolationError,
  interpolateValue,
  lookup,
  splitKeyPath,
  valueToText,
} from './interpolate.ts';
import { dirnameOf, joinPath, normalizePath } from './posix-path.ts';
import { checkRepoPath } from './repo-path.ts';
import { isRecord, kindOf, setOwn } from './schema-error.ts';

export type OutKind = 'out' | 'metric' | 'plot';

export interface StageOut {
  /** As written in dvc.yaml: relative to the stage's wdir. */
  path: string;
  kind: OutKind;
  cache: boolean;
  persist: boolean;
  push: boolean;
  checkpoint: boolean;
  remote?: string;
  desc?: string;
  type?: string;
  labels?: string[];
  meta?: unknown;
  /** Plots only: x, y, template, title, x_label, y_label, header, as written. */
  plot?: Record<string, unknown>;
}

export interface StageParams {
  /** Params file relative to the stage's wdir (`params.yaml` when not named). */
  file: string;
  /** Dotted keys to track; null means the whole file. */
  keys: string[] | null;
}

export interface Stage {
  /** `train`, `build@us`, `train@p1-d0`: the name `dvc.lock` and `dvc repro` use. */
  name: string;
  /** For foreach/matrix stages: the group name and the generated key. */
  group?: string;
  key?: string;
  cmd: string | string[];
  /** Working directory relative to the dvc.yaml directory ('.' by default). */
  wdir: string;
  /** Dependency paths as written (relative to wdir). */
  deps: string[];
  params: StageParams[];
  /** outs, metrics and plots in that order, each with its kind and flags. */
  outs: StageOut[];
  frozen: boolean;
  alwaysChanged: boolean;
  desc?: string;
  meta?: unknown;
}

export interface ExpandOptions {
  /** Parsed files for `vars` and the default `params.yaml`, keyed by path relative to dvc.yaml. */
  files?: Record<string, unknown>;
  /** Most stages foreach/matrix may generate in the whole file (default `MAX_GENERATED_STAGES`). */
  maxStages?: number;
}

/** A foreach over 1e6 items is refused before any stage is built (RELIABILITY B2). */
export const MAX_GENERATED_STAGES = 10_000;

export const DEFAULT_PARAMS_FILE = 'params.yaml';

/** The variables visible to a stage (`${…}` looks values up here). */
interface Scope {
  ctx: Context;
  /** Files loaded into the context (relative to dvc.yaml), in load order: their values used in `${…}` become params. */
  files: string[];
  /** The dvc.yaml's directory, repository-relative: paths must not climb above the repository. */
  root: string;
}

class ExpandError extends CairnError<'interpolation' | 'unsafe_path' | 'too_many_stages'> {
  constructor(message: string, code: ExpandError['code'] = 'interpolation') {
    super(code, message);
  }
}

/** Throws `unsafe_path` unless `rel` (relative to `base`, under the dvc.yaml dir) stays in the repo. */
function checkPath(scope: Scope, base: string, rel: string, what: string, opts: { output?: boolean } = {}): void {
  const err = checkRepoPath(joinPath(scope.root, base), rel, { ...opts, allowExternal: true });
  if (err !== undefined) throw new ExpandError(`${what}: ${err.message}`, 'unsafe_path');
}

/**
 * Expands every stage of a parsed dvc.yaml, in file order (groups expand in place).
 * @example expandStages(parseDvcYaml(text).value, { files: { 'params.yaml': params } })
 */
export function expandStages(dvcYaml: DvcYaml, options: ExpandOptions = {}): Result<Stage[]> {
  const files = options.files ?? {};
  const maxStages = options.maxStages ?? MAX_GENERATED_STAGES;
  const fail = (message: string, stage?: string, code: ExpandError['code'] = 'interpolation') => {
    const pos = stage !== undefined ? (dvcYaml.positions[stage] ?? {}) : {};
    return failWith(
      new ParseError({
        code: message.startsWith('missing file:') ? 'missing_file' : code,
        message: message.replace(/^missing file: /, ''),
        file: dvcYaml.file,
        ...pos,
        ...(stage !== undefined ? { path: `stages.${stage}` } : {}),
      }),
    );
  };
  const root = dirnameOf(dvcYaml.file);
  const global: Scope = { ctx: {}, files: [], root: root.startsWith('..') ? '.' : root };
  try {
    if (Object.hasOwn(files, DEFAULT_PARAMS_FILE)) {
      const params = files[DEFAULT_PARAMS_FILE];
      if (isRecord(params)) {
        mergeInto(global, params, DEFAULT_PARAMS_FILE);
        global.files.push(DEFAULT_PARAMS_FILE);
      }
    }
    loadVars(global, dvcYaml.vars, '.', files);
  } catch (e) {
    return fail(messageOf(e), undefined, codeOf(e));
  }
  const stages: Stage[] = [];
  const names = new Set<string>();
  for (const [group, def] of Object.entries(dvcYaml.stages)) {
    let generated: Stage[];
    try {
      generated = expandGroup(group, def, global, files, maxStages - stages.length);
    } catch (e) {
      return fail(`stage '${group}': ${messageOf(e)}`, group, codeOf(e));
    }
    for (const s of generated) {
      if (names.has(s.name)) return fail(`stage '${s.name}' is generated twice.`, group);
      names.add(s.name);
      stages.push(s);
    }
  }
  return ok(stages);
}

function codeOf(e: unknown): ExpandError['code'] {
  return e instanceof ExpandError ? e.code : 'interpolation';
}

function messageOf(e: unknown): string {
  if (e instanceof InterpolationError || e instanceof ExpandError) return e.message;
  if (e instanceof RangeError) return 'the definition nests too deeply to expand.';
  return e instanceof Error ? e.message : String(e);
}

function cloneScope(s: Scope): Scope {
  return { ctx: { ...s.ctx }, files: [...s.files], root: s.root };
}

/**
 * Merges `values` into the scope as DVC does: maps merge key by key (`{grp: {a: 1}}` with
 * `{grp: {b: 2}}`); redefining a value differently is an error. Copies on write, so a stage's
 * own vars never leak into the shared context.
 */
function mergeInto(scope: Scope, values: Record<string, unknown>, source: string): void {
  mergeRecord(scope.ctx, values, source, '');
}

function mergeRecord(
  target: Record<string, unknown>,
  values: Record<string, unknown>,
  source: string,
  at: string,
): void {
  for (const [k, v] of Object.entries(values)) {
    const where = at === '' ? k : `${at}.${k}`;
    if (!Object.hasOwn(target, k)) {
      setOwn(target, k, v);
      continue;
    }
    const current = target[k];
    if (isRecord(current) && isRecord(v)) {
      const copy = { ...current };
      mergeRecord(copy, v, source, where);
      setOwn(target, k, copy);
    } else if (!deepEqual(current, v)) {
      throw new ExpandError(`variable '${where}' from ${source} is already defined with another value.`);
    }
  }
}

/** Loads `vars` entries: inline maps, `file`, or `file:key1,key2` (keys may be dotted). */
function loadVars(scope: Scope, vars: unknown, baseDir: string, files: Record<string, unknown>): void {
  if (vars === undefined || vars === null) return;
  if (!Array.isArray(vars)) throw new ExpandError(`vars must be a list, found ${kindOf(vars)}.`);
  let inline = 0;
  for (const entry of vars) {
    if (isRecord(entry)) {
      mergeInto(scope, entry, `inline vars #${++inline} of ${baseDir === '.' ? 'dvc.yaml' : baseDir}`);
      continue;
    }
    if (typeof entry !== 'string')
      throw new ExpandError(`a vars entry must be a file name or a mapping, found ${kindOf(entry)}.`);
    const colon = entry.lastIndexOf(':');
    const name = colon > 0 ? entry.slice(0, colon) : entry;
    const keys =
      colon > 0
        ? entry
            .slice(colon + 1)
            .split(',')
            .map((k) => k.trim())
            .filter((k) => k !== '')
        : null;
    checkPath(scope, baseDir, name, `vars file '${name}'`);
    const path = joinPath(baseDir, name);
    if (!Object.hasOwn(files, path)) throw new ExpandError(`missing file: vars file '${path}' was not provided.`);
    const content = files[path];
    if (!isRecord(content)) throw new ExpandError(`vars file '${path}' must hold a mapping, found ${kindOf(content)}.`);
    if (!scope.files.includes(path)) scope.files.push(path);
    if (keys === null) {
      mergeInto(scope, content, path);
      continue;
    }
    for (const key of keys) {
      const value = lookup(content, key);
      const parts = splitKeyPath(key);
      const nested: Record<string, unknown> = {};
      let cursor = nested;
      for (let i = 0; i < parts.length - 1; i++) {
        const next: Record<string, unknown> = {};
        setOwn(cursor, parts[i]!, next);
        cursor = next;
      }
      setOwn(cursor, parts[parts.length - 1]!, value);
      mergeInto(scope, nested, path);
    }
  }
}

function expandGroup(
  group: string,
  def: StageDefinition,
  global: Scope,
  files: Record<string, unknown>,
  budget: number,
): Stage[] {
  const tooMany = (n: number) =>
    new ExpandError(
      `would generate ${n.toLocaleString('en')} stages; only ${Math.max(budget, 0).toLocaleString('en')} more are allowed in one dvc.yaml.`,
      'too_many_stages',
    );
  if ('foreach' in def) {
    const iterable = interpolateValue(def.foreach, global.ctx);
    // Count before building anything: the items already exist, the stages would not.
    const count = isRecord(iterable) ? Object.keys(iterable).length : Array.isArray(iterable) ? iterable.length : 0;
    if (count > budget) throw tooMany(count);
    const entries: [string, unknown, string | undefined][] = [];
    if (isRecord(iterable)) {
      for (const [k, v] of Object.entries(iterable)) entries.push([k, v, k]);
    } else if (Array.isArray(iterable)) {
      const composite = iterable.some((v) => typeof v === 'object' && v !== null);
      for (const [i, v] of iterable.entries()) {
        entries.push([composite ? String(i) : valueToText(v, 'item', false), v, undefined]);
      }
    } else throw new ExpandError(`foreach must give a list or a mapping, found ${kindOf(iterable)}.`);
    return entries.map(([key, item, dictKey]) => {
      const scope = cloneScope(global);
      scope.ctx.item = item;
      if (dictKey !== undefined) scope.ctx.key = dictKey;
      return resolveStage(`${group}@${key}`, def.do as StageDefinition, scope, files, group, key);
    });
  }
  if ('matrix' in def) {
    const matrix = def.matrix as Record<string, unknown>;
    const axes: { name: string; values: unknown[] }[] = [];
    for (const [name, raw] of Object.entries(matrix)) {
      const values = interpolateValue(raw, global.ctx);
      if (!Array.isArray(values)) throw new ExpandError(`matrix '${name}' must give a list, found ${kindOf(values)}.`);
      axes.push({ name, values });
    }
    // The product of the axis lengths, checked before any combination is built.
    const count = axes.reduce((n, a) => n * a.values.length, 1);
    if (count > budget) throw tooMany(count);
    let combos: { item: Record<string, unknown>; frags: string[] }[] = [{ item: {}, frags: [] }];
    for (const axis of axes) {
      const next: typeof combos = [];
      for (const c of combos) {
        axis.values.forEach((v, i) => {
          const frag = typeof v === 'object' && v !== null ? `${axis.name}${i}` : valueToText(v, axis.name, false);
          const item = { ...c.item };
          setOwn(item, axis.name, v);
          next.push({ item, frags: [...c.frags, frag] });
        });
      }
      combos = next;
    }
    const { matrix: _m, ...stageDef } = def;
    return combos.map(({ item, frags }) => {
      const scope = cloneScope(global);
      scope.ctx.item = item;
      const key = frags.join('-');
      return resolveStage(`${group}@${key}`, stageDef, scope, files, group, key);
    });
  }
  if (budget < 1) throw tooMany(1);
  return [resolveStage(group, def, cloneScope(global), files)];
}

function resolveStage(
  name: string,
  def: StageDefinition,
  scope: Scope,
  files: Record<string, unknown>,
  group?: string,
  key?: string,
): Stage {
  const used: [string[], unknown][] = [];
  const listener = (path: string[], value: unknown) => used.push([path, value]);
  const wdirRaw = def.wdir === undefined ? '.' : interpolateValue(def.wdir, scope.ctx, false, listener);
  if (typeof wdirRaw !== 'string') throw new ExpandError(`wdir must be a path, found ${kindOf(wdirRaw)}.`);
  checkPath(scope, '.', wdirRaw, 'wdir');
  const wdir = normalizePath(wdirRaw);
  loadVars(scope, def.vars, wdir, files);
  const { vars: _v, ...rest } = def;
  const r = interpolateValue(rest, scope.ctx, false, listener) as Record<string, unknown>;
  const stage: Stage = {
    name,
    cmd: readCmd(r.cmd),
    wdir,
    deps: readPaths(r.deps, 'deps'),
    params: withTrackedParams(readParams(r.params), used, scope.files, files, wdir),
    outs: [...readOuts(r.outs, 'out'), ...readOuts(r.metrics, 'metric'), ...readOuts(r.plots, 'plot')],
    frozen: readBool(r.frozen, 'frozen', false),
    alwaysChanged: readBool(r.always_changed, 'always_changed', false),
  };
  for (const d of stage.deps) checkPath(scope, wdir, d, `dep '${d}'`);
  for (const p of stage.params) checkPath(scope, wdir, p.file, `params file '${p.file}'`);
  for (const o of stage.outs) checkPath(scope, wdir, o.path, `${o.kind} '${o.path}'`, { output: true });
  if (group !== undefined) stage.group = group;
  if (key !== undefined) stage.key = key;
  if (typeof r.desc === 'string') stage.desc = r.desc;
  if (r.meta !== undefined) stage.meta = r.meta;
  return stage;
}

function readCmd(cmd: unknown): string | string[] {
  if (typeof cmd === 'string') return cmd;
  if (typeof cmd === 'number' || typeof cmd === 'boolean') return valueToText(cmd, 'cmd', true);
  if (Array.isArray(cmd)) return cmd.map((c) => (typeof c === 'string' ? c : valueToText(c, 'cmd', true)));
  throw new ExpandError(`cmd must be a string or a list of strings, found ${kindOf(cmd)}.`);
}

function readBool(v: unknown, what: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ExpandError(`${what} must be true or false, found ${kindOf(v)}.`);
}

function readPaths(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v.flat() : [v];
  return list.map((p) => {
    if (typeof p === 'number') return String(p);
    if (typeof p !== 'string' || p === '')
      throw new ExpandError(`every entry of ${what} must be a path, found ${kindOf(p)}.`);
    return p;
  });
}

function readParams(v: unknown): StageParams[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  const byFile = new Map<string, StageParams>();
  const add = (file: string, keys: string[] | null) => {
    const had = byFile.get(file);
    if (!had) byFile.set(file, { file, keys });
    else if (had.keys !== null) had.keys = keys === null ? null : [...new Set([...had.keys, ...keys])];
  };
  for (const item of list) {
    if (typeof item === 'string') add(DEFAULT_PARAMS_FILE, [item]);
    else if (isRecord(item)) {
      for (const [file, keys] of Object.entries(item)) {
        if (keys === null || keys === undefined || (Array.isArray(keys) && keys.length === 0)) add(file, null);
        else if (Array.isArray(keys))
          add(
            file,
            keys.map((k) => String(k)),
          );
        else throw new ExpandError(`params of '${file}' must be a list of keys, found ${kindOf(keys)}.`);
      }
    } else throw new ExpandError(`a params entry must be a key or {file: [keys]}, found ${kindOf(item)}.`);
  }
  return [...byFile.values()];
}

const PLOT_ONLY = ['x', 'y', 'x_label', 'y_label', 'title', 'header', 'template'];

function readOuts(v: unknown, kind: OutKind): StageOut[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item) => {
    let path: unknown = item;
    let flags: Record<string, unknown> = {};
    if (isRecord(item)) {
      const [p, f] = Object.entries(item)[0] ?? [];
      path = p;
      flags = isRecord(f) ? f : {};
    }
    if (typeof path !== 'string' || path === '')
      throw new ExpandError(`every ${kind} needs a path, found ${kindOf(path)}.`);
    const out: StageOut = {
      path,
      kind,
      cache: readBool(flags.cache, 'cache', true),
      persist: readBool(flags.persist, 'persist', false),
      push: readBool(flags.push, 'push', true),
      checkpoint: readBool(flags.checkpoint, 'checkpoint', false),
    };
    if (typeof flags.remote === 'string') out.remote = flags.remote;
    if (typeof flags.desc === 'string') out.desc = flags.desc;
    if (typeof flags.type === 'string') out.type = flags.type;
    if (Array.isArray(flags.labels)) out.labels = flags.labels.map(String);
    if (flags.meta !== undefined) out.meta = flags.meta;
    if (kind === 'plot') {
      const plot: Record<string, unknown> = {};
      for (const k of PLOT_ONLY) if (flags[k] !== undefined) plot[k] = flags[k];
      out.plot = plot;
    }
    return out;
  });
}

/**
 * DVC tracks simple values that `${…}` took from params files (params.yaml and `vars` files) as
 * params of the stage, so they appear in dvc.lock and changing them changes the stage.
 */
function withTrackedParams(
  params: StageParams[],
  used: [string[], unknown][],
  loaded: string[],
  files: Record<string, unknown>,
  wdir: string,
): StageParams[] {
  const out = params.map((p) => ({ file: p.file, keys: p.keys === null ? null : [...p.keys] }));
  for (const [path, value] of used) {
    if (typeof value === 'object' && value !== null) continue;
    if (path[0] === 'item' || path[0] === 'key') continue;
    const key = path.join('.');
    const source = loaded.find((f) => {
      const v = getParam(files[f], key);
      return v !== undefined && deepEqual(v, value);
    });
    if (source === undefined) continue;
    const file = relativePath(wdir, source);
    const entry = out.find((p) => p.file === file);
    if (!entry) out.push({ file, keys: [key] });
    else if (entry.keys !== null && !entry.keys.includes(key)) entry.keys.push(key);
  }
  return out;
}

/** `to` (relative to the dvc.yaml directory) as seen from `from` (also relative to it). */
function relativePath(from: string, to: string): string {
  if (from === '.') return to;
  const a = from.split('/');
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}
