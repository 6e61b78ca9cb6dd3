/**
 * `dvc.yaml`: reading and checking the pipeline definition against the rules of DVC's official
 * schema (iterative/dvcyaml-schema), before any `${…}` is resolved. `expandStages` (in
 * expand-stages.ts) turns the checked definitions into concrete stages.
 */
import type { ParseError } from '../errors/parse-error.ts';
import { failWith, ok, type Result } from '../errors/result.ts';
import { type LoadedYaml, loadYaml, positionAt } from '../yaml/load-yaml.ts';
import { stringifyYamlPreserving } from '../yaml/yaml-edit.ts';
import { unsafePathError } from './hashed-entry.ts';
import { dirnameOf } from './posix-path.ts';
import { checkRepoPath, resolveRepoPath } from './repo-path.ts';
import { isRecord, type KeyPath, kindOf, schemaError } from './schema-error.ts';

/** Base used when a stage's wdir is only known after `${…}`: spelling is checked, climbing is not. */
const UNKNOWN_BASE = Array.from({ length: 64 }, (_, i) => `w${i}`).join('/');

/** A stage as written: plain data, `${…}` unresolved. Checked against the schema. */
export type StageDefinition = Record<string, unknown>;

export interface TopLevelPlot {
  /** The plot id: a file or directory path, or a name whose `y` lists the files. */
  id: string;
  /** Flags (`x`, `y`, `template`, `title`, `x_label`, `y_label`); empty for a bare path. */
  flags: Record<string, unknown>;
}

export interface Artifact {
  path: string;
  type?: string;
  desc?: string;
  labels?: string[];
  meta?: unknown;
}

export interface DvcYaml {
  file: string;
  /** Top-level `vars`: file names (`params.json`, `file.yaml:a,b`) and inline maps, in order. */
  vars: (string | Record<string, unknown>)[];
  /** Stage name → definition (plain stage, `foreach`/`do` group or `matrix` group), file order. */
  stages: Record<string, StageDefinition>;
  /** Top-level params, metrics files; plots in file order (list and dict forms both). */
  params: string[];
  metrics: string[];
  plots: TopLevelPlot[];
  artifacts: Record<string, Artifact>;
  /** 1-based position of each stage name in the file, for errors found while expanding. */
  positions: Record<string, { line?: number; column?: number }>;
  /** The whole document as plain data (what `serializeDvcYaml` writes back). */
  data: Record<string, unknown>;
}

const TOP_KEYS = ['vars', 'stages', 'plots', 'params', 'metrics', 'artifacts'];
const STAGE_KEYS = [
  'cmd',
  'wdir',
  'deps',
  'params',
  'outs',
  'metrics',
  'plots',
  'frozen',
  'always_changed',
  'vars',
  'desc',
  'meta',
];
export const OUT_FLAGS = ['cache', 'persist', 'checkpoint', 'desc', 'type', 'labels', 'meta', 'remote', 'push'];
export const PLOT_FLAGS = [...OUT_FLAGS, 'x', 'y', 'x_label', 'y_label', 'title', 'header', 'template'];
const TOP_PLOT_FLAGS = ['x', 'y', 'x_label', 'y_label', 'title', 'template'];
const ARTIFACT_KEYS = ['path', 'type', 'desc', 'meta', 'labels'];
/** Characters DVC refuses in stage names (they separate names from keys and paths). */
const BAD_NAME = /[/\\:@,]/;

/** True for a string that is exactly one `${…}` expression (allowed where a list or map goes). */
function isWholeInterpolation(v: unknown): boolean {
  return typeof v === 'string' && /^\$\{[^{}]*\}$/.test(v.trim());
}

/** Values that will only be known after interpolation pass any type check. */
function deferred(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

class Checker {
  constructor(readonly loaded: LoadedYaml) {}
  error(path: KeyPath, message: string): ParseError {
    return schemaError(this.loaded, path, message);
  }
  /** Literal paths are checked here, where their line and column are known; `${…}` ones after expansion. */
  safePath(v: unknown, path: KeyPath, base: string, output = false): ParseError | null {
    if (typeof v !== 'string' || deferred(v)) return null;
    const err = checkRepoPath(base, v, { output, allowExternal: true });
    return err ? unsafePathError(this.loaded, path, err.message) : null;
  }
  /** Checks every literal path of a stage against its wdir (relative to the dvc.yaml's directory). */
  stagePaths(def: Record<string, unknown>, path: KeyPath): ParseError | null {
    const root = dirnameOf(this.loaded.file ?? 'dvc.yaml');
    const yamlDir = root.startsWith('..') ? '.' : root;
    let base = yamlDir;
    if (typeof def.wdir === 'string') {
      const e = this.safePath(def.wdir, [...path, 'wdir'], yamlDir);
      if (e) return e;
      const r = deferred(def.wdir) ? undefined : resolveRepoPath(yamlDir, def.wdir);
      base = r?.ok ? r.value : UNKNOWN_BASE;
    }
    const list = (v: unknown) => (Array.isArray(v) ? v : []);
    for (const [i, d] of list(def.deps).entries()) {
      const e = this.safePath(d, [...path, 'deps', i], base);
      if (e) return e;
    }
    for (const key of ['outs', 'metrics', 'plots']) {
      for (const [i, o] of list(def[key]).entries()) {
        const p = isRecord(o) ? Object.keys(o)[0] : o;
        const e = this.safePath(p, isRecord(o) ? [...path, key, i, String(p)] : [...path, key, i], base, true);
        if (e) return e;
      }
    }
    for (const [i, item] of list(def.params).entries()) {
      if (!isRecord(item)) continue;
      for (const f of Object.keys(item)) {
        const e = this.safePath(f, [...path, 'params', i, f], base);
        if (e) return e;
      }
    }
    for (const [i, v] of list(def.vars).entries()) {
      const e = this.safePath(typeof v === 'string' ? varsFileName(v) : v, [...path, 'vars', i], base);
      if (e) return e;
    }
    return null;
  }
  onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: KeyPath, what: string): ParseError | null {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) {
        return this.error([...path, k], `'${k}' is not allowed in ${what}; allowed: ${allowed.join(', ')}.`);
      }
    }
    return null;
  }
  stringList(v: unknown, path: KeyPath, what: string): ParseError | null {
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) return this.error(path, `expected a list of ${what}, found ${kindOf(v)}.`);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'string')
        return this.error([...path, i], `expected ${what.replace(/s$/, '')} as a string, found ${kindOf(v[i])}.`);
    }
    return null;
  }
  bool(v: unknown, path: KeyPath): ParseError | null {
    if (v === undefined || typeof v === 'boolean' || deferred(v)) return null;
    return this.error(path, `expected true or false, found ${kindOf(v)}.`);
  }
  str(v: unknown, path: KeyPath): ParseError | null {
    if (v === undefined || typeof v === 'string') return null;
    return this.error(path, `expected a string, found ${kindOf(v)}.`);
  }
  outFlags(flags: unknown, path: KeyPath, allowed: readonly string[]): ParseError | null {
    if (flags === null || flags === undefined) return null;
    if (!isRecord(flags)) return this.error(path, `expected flags as a mapping, found ${kindOf(flags)}.`);
    const extra = this.onlyKeys(flags, allowed, path, 'output flags');
    if (extra) return extra;
    for (const b of ['cache', 'persist', 'checkpoint', 'push']) {
      const e = this.bool(flags[b], [...path, b]);
      if (e) return e;
    }
    for (const s of ['desc', 'type', 'remote', 'x_label', 'y_label', 'title', 'template']) {
      const e = this.str(flags[s], [...path, s]);
      if (e) return e;
    }
    if (flags.labels !== undefined) return this.stringList(flags.labels, [...path, 'labels'], 'labels');
    return null;
  }
  outList(v: unknown, path: KeyPath, allowed: readonly string[]): ParseError | null {
    if (v === undefined || v === null || isWholeInterpolation(v)) return null;
    if (!Array.isArray(v)) return this.error(path, `expected a list of paths, found ${kindOf(v)}.`);
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (typeof item === 'string') continue;
      if (!isRecord(item)) return this.error([...path, i], `expected a path or {path: flags}, found ${kindOf(item)}.`);
      const keys = Object.keys(item);
      if (keys.length !== 1)
        return this.error([...path, i], 'an output with flags is a mapping of exactly one path to its flags.');
      const e = this.outFlags(item[keys[0]!], [...path, i, keys[0]!], allowed);
      if (e) return e;
    }
    return null;
  }
  params(v: unknown, path: KeyPath): ParseError | null {
    if (v === undefined || v === null || isWholeInterpolation(v)) return null;
    if (!Array.isArray(v)) return this.error(path, `expected a list of params, found ${kindOf(v)}.`);
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (typeof item === 'string') continue;
      if (!isRecord(item))
        return this.error([...path, i], `expected a param key or {file: [keys]}, found ${kindOf(item)}.`);
      for (const [f, keys] of Object.entries(item)) {
        const e = this.stringList(keys, [...path, i, f], 'param keys');
        if (e) return e;
      }
    }
    return null;
  }
  vars(v: unknown, path: KeyPath): ParseError | null {
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) return this.error(path, `expected a list of files and mappings, found ${kindOf(v)}.`);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'string' && !isRecord(v[i])) {
        return this.error([...path, i], `expected a file name or a mapping of values, found ${kindOf(v[i])}.`);
      }
    }
    return null;
  }
  stage(def: unknown, path: KeyPath, allowed: readonly string[]): ParseError | null {
    if (!isRecord(def)) return this.error(path, `expected a stage mapping, found ${kindOf(def)}.`);
    const extra = this.onlyKeys(def, allowed, path, 'a stage');
    if (extra) return extra;
    const cmd = def.cmd;
    if (cmd === undefined || cmd === null) return this.error(path, 'every stage needs a `cmd`.');
    if (typeof cmd !== 'string' && !(Array.isArray(cmd) && cmd.every((c) => typeof c === 'string'))) {
      return this.error([...path, 'cmd'], 'expected the command as a string or a list of strings.');
    }
    return (
      this.str(def.wdir, [...path, 'wdir']) ??
      this.str(def.desc, [...path, 'desc']) ??
      this.bool(def.frozen, [...path, 'frozen']) ??
      this.bool(def.always_changed, [...path, 'always_changed']) ??
      (isWholeInterpolation(def.deps) ? null : this.stringList(def.deps, [...path, 'deps'], 'dependency paths')) ??
      this.params(def.params, [...path, 'params']) ??
      this.outList(def.outs, [...path, 'outs'], OUT_FLAGS) ??
      this.outList(def.metrics, [...path, 'metrics'], OUT_FLAGS) ??
      this.outList(def.plots, [...path, 'plots'], PLOT_FLAGS) ??
      this.vars(def.vars, [...path, 'vars']) ??
      this.stagePaths(def, path)
    );
  }
  stageGroup(name: string, def: unknown): ParseError | null {
    const path = ['stages', name];
    if (BAD_NAME.test(name) || name.trim() === '') {
      return this.error(path, `'${name}' is not a valid stage name (it may not contain / \\ : @ or ,).`);
    }
    if (!isRecord(def)) return this.error(path, `expected a stage mapping, found ${kindOf(def)}.`);
    if ('foreach' in def && 'matrix' in def) {
      return this.error([...path, 'matrix'], '`foreach` and `matrix` cannot be used in the same stage.');
    }
    if ('foreach' in def) {
      const extra = this.onlyKeys(def, ['foreach', 'do'], path, 'a foreach stage (only foreach and do)');
      if (extra) return extra;
      const it = def.foreach;
      if (!Array.isArray(it) && !isRecord(it) && !isWholeInterpolation(it)) {
        return this.error([...path, 'foreach'], `expected a list, a mapping, or one \${…} expression.`);
      }
      if (!('do' in def)) return this.error(path, 'a foreach stage needs a `do` stage definition.');
      return this.stage(def.do, [...path, 'do'], STAGE_KEYS);
    }
    if ('matrix' in def) {
      const m = def.matrix;
      if (!isRecord(m))
        return this.error([...path, 'matrix'], `expected a mapping of name → values, found ${kindOf(m)}.`);
      for (const [k, values] of Object.entries(m)) {
        if (!Array.isArray(values) && !isWholeInterpolation(values)) {
          return this.error([...path, 'matrix', k], `expected a list of values or one \${…} expression.`);
        }
      }
      return this.stage(def, path, [...STAGE_KEYS, 'matrix']);
    }
    return this.stage(def, path, STAGE_KEYS);
  }
}

/**
 * Parses and checks `dvc.yaml`. Refuses what DVC's schema refuses (unknown keys in a stage, in
 * output flags, in plots or artifacts; foreach together with matrix) with the key's position.
 */
export function parseDvcYaml(text: string, file = 'dvc.yaml'): Result<DvcYaml> {
  const loaded = loadYaml(text, { file });
  if (!loaded.ok) return loaded;
  const data = loaded.value.data ?? {};
  const c = new Checker(loaded.value);
  if (!isRecord(data)) return failWith(c.error([], `dvc.yaml must be a mapping, found ${kindOf(data)}.`));
  const extra = c.onlyKeys(data, TOP_KEYS, [], 'dvc.yaml at the top level');
  if (extra) return failWith(extra);
  const result: DvcYaml = {
    file,
    vars: [],
    stages: {},
    params: [],
    metrics: [],
    plots: [],
    artifacts: {},
    positions: {},
    data,
  };
  const varsErr = c.vars(data.vars, ['vars']);
  if (varsErr) return failWith(varsErr);
  const yamlDir = dirnameOf(file).startsWith('..') ? '.' : dirnameOf(file);
  for (const [i, v] of (Array.isArray(data.vars) ? data.vars : []).entries()) {
    const e = c.safePath(typeof v === 'string' ? varsFileName(v) : v, ['vars', i], yamlDir);
    if (e) return failWith(e);
  }
  result.vars = (data.vars as DvcYaml['vars'] | undefined) ?? [];
  if (data.stages !== undefined && data.stages !== null) {
    if (!isRecord(data.stages))
      return failWith(c.error(['stages'], `expected a mapping of stage names, found ${kindOf(data.stages)}.`));
    for (const [name, def] of Object.entries(data.stages)) {
      const e = c.stageGroup(name, def);
      if (e) return failWith(e);
      result.stages[name] = def as StageDefinition;
      result.positions[name] = positionAt(loaded.value, ['stages', name]);
    }
  }
  for (const key of ['params', 'metrics'] as const) {
    const e = c.stringList(data[key], [key], `${key} files`);
    if (e) return failWith(e);
    for (const [i, f] of ((data[key] as unknown[] | undefined) ?? []).entries()) {
      const unsafe = c.safePath(f, [key, i], yamlDir);
      if (unsafe) return failWith(unsafe);
    }
    result[key] = (data[key] as string[] | undefined) ?? [];
  }
  const plots = readTopLevelPlots(c, data.plots);
  if (!Array.isArray(plots)) return failWith(plots);
  result.plots = plots;
  if (data.artifacts !== undefined && data.artifacts !== null) {
    if (!isRecord(data.artifacts)) return failWith(c.error(['artifacts'], 'expected a mapping of artifact names.'));
    for (const [name, a] of Object.entries(data.artifacts)) {
      const path = ['artifacts', name];
      if (!isRecord(a)) return failWith(c.error(path, `expected an artifact mapping, found ${kindOf(a)}.`));
      const e =
        c.onlyKeys(a, ARTIFACT_KEYS, path, 'an artifact') ??
        (typeof a.path !== 'string' ? c.error(path, 'an artifact needs a string `path`.') : null) ??
        c.str(a.type, [...path, 'type']) ??
        c.str(a.desc, [...path, 'desc']) ??
        c.stringList(a.labels, [...path, 'labels'], 'labels');
      if (e) return failWith(e);
      result.artifacts[name] = a as unknown as Artifact;
    }
  }
  return ok(result);
}

function readTopLevelPlots(c: Checker, plots: unknown): TopLevelPlot[] | ParseError {
  if (plots === undefined || plots === null) return [];
  const out: TopLevelPlot[] = [];
  const one = (id: string, flags: unknown, path: KeyPath): ParseError | null => {
    if (flags !== null && flags !== undefined && !isRecord(flags)) {
      return c.error(path, `expected plot settings as a mapping, found ${kindOf(flags)}.`);
    }
    const f = (flags ?? {}) as Record<string, unknown>;
    const e = c.onlyKeys(f, TOP_PLOT_FLAGS, path, 'a top-level plot');
    if (e) return e;
    out.push({ id, flags: f });
    return null;
  };
  if (isRecord(plots)) {
    for (const [id, flags] of Object.entries(plots)) {
      const e = one(id, flags, ['plots', id]);
      if (e) return e;
    }
    return out;
  }
  if (!Array.isArray(plots)) return c.error(['plots'], `expected a list or mapping of plots, found ${kindOf(plots)}.`);
  for (let i = 0; i < plots.length; i++) {
    const item = plots[i];
    if (typeof item === 'string') {
      out.push({ id: item, flags: {} });
      continue;
    }
    if (!isRecord(item) || Object.keys(item).length !== 1) {
      return c.error(['plots', i], 'expected a path or a mapping of one plot id to its settings.');
    }
    const [id, flags] = Object.entries(item)[0]!;
    const e = one(id, flags, ['plots', i, id]);
    if (e) return e;
  }
  return out;
}

/** Writes `dvc.yaml` from its plain data; with `original`, unchanged data gives it back exactly. */
export function serializeDvcYaml(data: Record<string, unknown>, original?: string): string {
  return stringifyYamlPreserving(data, original);
}

/** `params.yaml:a,b` names the file `params.yaml` (keys after the last colon). */
function varsFileName(entry: string): string {
  const colon = entry.lastIndexOf(':');
  return colon > 0 ? entry.slice(0, colon) : entry;
}
