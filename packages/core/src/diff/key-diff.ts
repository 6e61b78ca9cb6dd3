/**
 * `dvc params diff` and `dvc metrics diff`: the keys of params and metrics files compared
 * between two versions, as DVC computes them (dvc/repo/params/diff.py, metrics/diff.py): nested
 * maps flattened to dotted keys, a key listed when its value differs (every key with `all`),
 * `null` for a side where it is missing, and for metrics the numeric `diff` (new − old) when both
 * are numbers. Which files are params and metrics files: those a `dvc.yaml` names, the default
 * `params.yaml`, and DagsHub's `params.yml` / `metrics.csv` names (FORMATS §3). A DagsHub
 * `metrics.csv` gives each metric's last logged value (greatest step, then latest row).
 */
import { parseDagshubMetrics } from '../dagshub/metrics-csv.ts';
import { pythonStr } from '../dagshub/python-repr.ts';
import { fail, ok, type Result } from '../errors/result.ts';
import { dvcExperimentFiles } from '../experiments/dvc-experiment-files.ts';
import { isDagsHubMetricsName, isDagsHubParamsName } from '../experiments/experiment-file-names.ts';
import { hasDagsHubMetricsHeader, parseStructured } from '../experiments/read-experiment-file.ts';
import { flattenParams } from '../params/params-file.ts';
import { deepEqual } from '../yaml/deep-equal.ts';

export type KeyFileKind = 'params' | 'metrics';

export interface KeyChange {
  key: string;
  /** null when the key is missing on that side (DVC's `None`). */
  old: unknown;
  new: unknown;
  /** Metrics only: new − old when both are numbers. */
  diff?: number;
}

export interface KeyFileDiff {
  path: string;
  changes: KeyChange[];
}

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Whether a path's name alone makes it a params or metrics file, as the app lists changes. */
export function keyFileKindOf(path: string): KeyFileKind | null {
  const name = base(path).toLowerCase();
  if (name === 'params.yaml' || isDagsHubParamsName(name) || /params?\.toml$/.test(name)) return 'params';
  if (isDagsHubMetricsName(name) || /metrics?\.(json|ya?ml|toml)$/.test(name)) return 'metrics';
  return null;
}

/**
 * The params and metrics files of one revision: from every `dvc.yaml` (`read` gives a file's
 * text at that revision, or null), the root `params.yaml`, and DagsHub's file names.
 */
export function keyFilesOf(
  paths: readonly string[],
  read: (path: string) => string | null,
): { params: Map<string, string[] | null>; metrics: Set<string> } {
  const params = new Map<string, string[] | null>();
  const metrics = new Set<string>();
  const addParams = (file: string, keys: string[] | null) => {
    const had = params.get(file);
    if (had === null) return;
    params.set(file, keys === null || had === undefined ? keys : [...new Set([...had, ...keys])]);
  };
  const present = new Set(paths);
  for (const p of paths) {
    if (base(p) !== 'dvc.yaml') continue;
    const text = read(p);
    if (text === null) continue;
    const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '';
    const paramsText = read(`${dir}params.yaml`);
    const paramsYaml = paramsText === null ? undefined : parseStructured(paramsText, 'params.yaml');
    const files = dvcExperimentFiles(p, text, paramsYaml?.ok ? paramsYaml.value : undefined);
    for (const ref of files.params) addParams(ref.file, ref.keys);
    for (const m of files.metrics) metrics.add(m);
  }
  if (present.has('params.yaml')) addParams('params.yaml', null);
  for (const p of paths) {
    if (isDagsHubParamsName(base(p)) && !p.endsWith('.json')) addParams(p, null);
    else if (isDagsHubMetricsName(base(p))) metrics.add(p);
  }
  for (const m of metrics) if (!present.has(m)) metrics.delete(m);
  for (const p of params.keys()) if (!present.has(p)) params.delete(p);
  return { params, metrics };
}

/** The flat keys of one params or metrics file. */
export function readKeyValues(text: string, path: string, kind: KeyFileKind): Result<Record<string, unknown>> {
  const lower = path.toLowerCase();
  if (kind === 'metrics' && (lower.endsWith('.csv') || lower.endsWith('.tsv'))) {
    if (!hasDagsHubMetricsHeader(text))
      return fail({ code: 'unsupported_format', message: 'not a DagsHub metrics.csv', file: path });
    const parsed = parseDagshubMetrics(text, path);
    if (!parsed.ok) return parsed;
    const last = new Map<string, { step: number; value: unknown }>();
    for (const row of parsed.value.rows) {
      const had = last.get(row.name);
      if (!had || row.step >= had.step) last.set(row.name, { step: row.step, value: row.value });
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of last) out[k] = v.value;
    return ok(out);
  }
  const parsed = parseStructured(text, path);
  if (!parsed.ok) return parsed;
  const v = parsed.value;
  if (v === null || v === undefined) return ok({});
  if (typeof v !== 'object' || Array.isArray(v))
    return fail({ code: 'schema', message: `${path} does not hold a map of names to values`, file: path });
  const flat = flattenParams(v);
  for (const [k, x] of Object.entries(flat)) {
    // An empty section is no key of its own.
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0) delete flat[k];
  }
  return ok(flat);
}

/** Keeps the tracked keys (a key names a value or a whole section); null keeps all. */
export function pickKeys(values: Record<string, unknown>, keys: readonly string[] | null): Record<string, unknown> {
  if (keys === null || keys.length === 0) return values;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) if (keys.some((key) => k === key || k.startsWith(`${key}.`))) out[k] = v;
  return out;
}

const isNumber = (v: unknown): v is number => typeof v === 'number';

/** The changed keys of one file (all keys with `all`), sorted by key as DVC prints them. */
export function diffKeyValues(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  options: { kind: KeyFileKind; all?: boolean },
): KeyChange[] {
  const a = before ?? {};
  const b = after ?? {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: KeyChange[] = [];
  for (const key of keys) {
    const old = Object.hasOwn(a, key) ? a[key] : null;
    const next = Object.hasOwn(b, key) ? b[key] : null;
    if (!options.all && deepEqual(old, next)) continue;
    const change: KeyChange = { key, old, new: next };
    if (options.kind === 'metrics' && isNumber(old) && isNumber(next)) change.diff = next - old;
    out.push(change);
  }
  return out;
}

/** Every file's changes; files with none are left out (DVC's shape), sorted by path. */
export function diffKeyFiles(
  before: ReadonlyMap<string, Record<string, unknown>>,
  after: ReadonlyMap<string, Record<string, unknown>>,
  options: { kind: KeyFileKind; all?: boolean },
): KeyFileDiff[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: KeyFileDiff[] = [];
  for (const path of paths) {
    const changes = diffKeyValues(before.get(path), after.get(path), options);
    if (changes.length > 0) out.push({ path, changes });
  }
  return out;
}

/** DVC's JSON: `{path: {key: {old, new[, diff]}}}`. */
export function keyDiffJson(diffs: readonly KeyFileDiff[]): Record<string, Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const f of diffs) {
    const file: Record<string, Record<string, unknown>> = {};
    for (const c of f.changes)
      file[c.key] = c.diff === undefined ? { old: c.old, new: c.new } : { old: c.old, new: c.new, diff: c.diff };
    out[f.path] = file;
  }
  return out;
}

/** Rounds a float as Python's `round(x, digits)` for display; ints stay ints. */
export function roundDigits(value: number, digits: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  return Number(value.toFixed(digits));
}

export interface KeyTableOptions {
  title: 'Param' | 'Metric';
  aRev: string;
  bRev: string;
  /** Metrics: the Change column, and floats rounded to `precision` digits. */
  showChange: boolean;
  precision?: number;
  noPath?: boolean;
  markdown?: boolean;
}

/** The rows of DVC's diff table (header first), as `dvc params diff` / `dvc metrics diff` print them. */
export function keyDiffRows(diffs: readonly KeyFileDiff[], o: KeyTableOptions): string[][] {
  const fmt = (v: unknown, missing: boolean) => {
    if (missing) return '-';
    if (typeof v === 'number' && o.precision !== undefined) return pythonStr(roundDigits(v, o.precision));
    return pythonStr(v);
  };
  const header = ['Path', o.title, o.aRev, o.bRev, 'Change'];
  const rows: string[][] = [header];
  for (const f of diffs)
    for (const c of f.changes)
      rows.push([
        f.path,
        c.key,
        fmt(c.old, c.old === null),
        fmt(c.new, c.new === null),
        c.diff === undefined ? '-' : fmt(c.diff, false),
      ]);
  const drop = new Set<number>();
  if (o.noPath) drop.add(0);
  if (!o.showChange) drop.add(4);
  return rows.map((r) => r.filter((_, i) => !drop.has(i)));
}

/**
 * A table as DVC prints it through `tabulate` (`disable_numparse`, every column left-aligned):
 * "plain" — columns padded (to at least the header plus two) and joined by two spaces — or, with `markdown`, "github" with a
 * trailing newline.
 */
export function renderTable(rows: readonly string[][], markdown = false): string {
  if (rows.length === 0) return '';
  // tabulate's MIN_PADDING: a column is at least its header plus two.
  const widths = rows[0]!.map((h, i) => Math.max([...h].length + 2, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const pad = (s: string, w: number) => s + ' '.repeat(w - [...s].length);
  if (!markdown) return rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join('  ')).join('\n');
  const line = (r: readonly string[]) => `| ${r.map((c, i) => pad(c, widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return `${[line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n')}\n`;
}
