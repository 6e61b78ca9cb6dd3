/**
 * A columnar block of runs: the compact form the app keeps beside its rows so that 100,000 runs
 * open in one read instead of 100,000 deserialised objects of ~60 small objects each. Numbers
 * are typed arrays (one per field per metric key), params and tags are dictionary-encoded
 * (each column: the distinct values once, a Uint32Array of codes), so a block is a few dozen
 * arrays whatever its run count, and the structured clone of one is mostly memcpy.
 *
 * `encodeRunBlock(runs)` → block, `decodeRunBlock(block)` → runs equal to those encoded (params,
 * metrics and tags as own-property records, `__proto__` included; non-finite metric values and
 * null times kept). A decoded run builds its `metricSummaries` on first read (then it is an own
 * property): the table reads `metrics`, and 100,000 × 50 summary objects made up front would
 * cost more than the whole read. `extra` carries one small JSON value per run for the caller
 * (the app: the run's origin and git facts). Pure: no I/O.
 */
import { type MetricSummary, RUN_STATUSES, type Run, type RunSource, type RunStatus } from './run.ts';
import { shareEqualArrays } from './run-block-share.ts';

export const RUN_BLOCK_FORMAT = 1;

/** A text column: `codes[i]` is 0 when run i has no value, else 1 + the value's index in `dict`. */
export interface TextColumn {
  key: string;
  dict: string[];
  codes: Uint32Array;
}

/**
 * A metric column. `has[i]`: bit 1 — run i has `metrics[key]` (`value`); bit 2 — it has a summary
 * (`last`, `min`, `max`, `step`, `timestamp`, `count`). Equal arrays may be one array, within a
 * column and across the block's columns (run-block-share.ts): read them, never write them.
 */
export interface MetricColumn {
  key: string;
  has: Uint8Array;
  value: Float64Array;
  last: Float64Array;
  min: Float64Array;
  max: Float64Array;
  step: Float64Array;
  timestamp: Float64Array;
  count: Float64Array;
}

export interface RunBlock {
  format: typeof RUN_BLOCK_FORMAT;
  count: number;
  ids: string[];
  names: string[];
  users: string[];
  artifactUris: string[];
  /** Index into RUN_STATUSES. */
  status: Uint8Array;
  /** 1 when the lifecycle stage is `deleted`. */
  deleted: Uint8Array;
  /** Epoch ms; NaN for null. */
  startTime: Float64Array;
  endTime: Float64Array;
  /** Distinct sources as JSON, and each run's index into them. */
  sources: string[];
  sourceOf: Uint32Array;
  params: TextColumn[];
  tags: TextColumn[];
  metrics: MetricColumn[];
  /** The caller's per-run JSON (or null). */
  extra: (string | null)[];
}

function textColumns(runs: readonly Run[], pick: (r: Run) => Record<string, string>): TextColumn[] {
  const cols = new Map<string, { dict: Map<string, number>; codes: Uint32Array }>();
  runs.forEach((run, i) => {
    const rec = pick(run);
    for (const key of Object.keys(rec)) {
      let col = cols.get(key);
      if (!col) {
        col = { dict: new Map(), codes: new Uint32Array(runs.length) };
        cols.set(key, col);
      }
      const v = rec[key] as string;
      let code = col.dict.get(v);
      if (code === undefined) {
        code = col.dict.size + 1;
        col.dict.set(v, code);
      }
      col.codes[i] = code;
    }
  });
  return [...cols].map(([key, c]) => ({ key, dict: [...c.dict.keys()], codes: c.codes }));
}

function metricColumns(runs: readonly Run[]): MetricColumn[] {
  const n = runs.length;
  const cols = new Map<string, MetricColumn>();
  const col = (key: string): MetricColumn => {
    let c = cols.get(key);
    if (!c) {
      c = {
        key,
        has: new Uint8Array(n),
        value: new Float64Array(n),
        last: new Float64Array(n),
        min: new Float64Array(n),
        max: new Float64Array(n),
        step: new Float64Array(n),
        timestamp: new Float64Array(n),
        count: new Float64Array(n),
      };
      cols.set(key, c);
    }
    return c;
  };
  runs.forEach((run, i) => {
    for (const key of Object.keys(run.metrics)) {
      const c = col(key);
      c.has[i] = (c.has[i] as number) | 1;
      c.value[i] = run.metrics[key] as number;
    }
    const sums = run.metricSummaries;
    for (const key of Object.keys(sums)) {
      const s = sums[key] as MetricSummary;
      const c = col(key);
      c.has[i] = (c.has[i] as number) | 2;
      c.last[i] = s.last;
      c.min[i] = s.min;
      c.max[i] = s.max;
      c.step[i] = s.step;
      c.timestamp[i] = s.timestamp;
      c.count[i] = s.count;
    }
  });
  const out = [...cols.values()];
  // Fields a run does not read are set to what lets the arrays be shared (shareEqualArrays): a
  // value's place takes the summary's last, a summary's last, min and max take the value.
  for (const c of out) {
    for (let i = 0; i < n; i++) {
      const has = c.has[i] as number;
      if (has === 1) c.last[i] = c.min[i] = c.max[i] = c.value[i] as number;
      else if (has === 2) c.value[i] = c.last[i] as number;
    }
  }
  shareEqualArrays(out);
  return out;
}

export function encodeRunBlock(runs: readonly Run[], extra?: (run: Run, i: number) => string | null): RunBlock {
  const n = runs.length;
  const sources = new Map<string, number>();
  const sourceOf = new Uint32Array(n);
  const status = new Uint8Array(n);
  const deleted = new Uint8Array(n);
  const startTime = new Float64Array(n);
  const endTime = new Float64Array(n);
  runs.forEach((r, i) => {
    const s = JSON.stringify(r.source);
    let code = sources.get(s);
    if (code === undefined) {
      code = sources.size;
      sources.set(s, code);
    }
    sourceOf[i] = code;
    status[i] = RUN_STATUSES.indexOf(r.status);
    deleted[i] = r.lifecycleStage === 'deleted' ? 1 : 0;
    startTime[i] = r.startTime ?? Number.NaN;
    endTime[i] = r.endTime ?? Number.NaN;
  });
  return {
    format: RUN_BLOCK_FORMAT,
    count: n,
    ids: runs.map((r) => r.id),
    names: runs.map((r) => r.name),
    users: runs.map((r) => r.userId),
    artifactUris: runs.map((r) => r.artifactUri),
    status,
    deleted,
    startTime,
    endTime,
    sources: [...sources.keys()],
    sourceOf,
    params: textColumns(runs, (r) => r.params),
    tags: textColumns(runs, (r) => r.tags),
    metrics: metricColumns(runs),
    extra: runs.map((r, i) => extra?.(r, i) ?? null),
  };
}

/** Sets an own data property, even for `__proto__` (which plain assignment would not). */
function put<T>(rec: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
  else rec[key] = value;
}

/**
 * On runs decoded from a block where every run has the same params, metrics and tags keys: those
 * keys, one object shared by the block's runs (on their prototype, so no copy or clone sees it).
 * A reader of every run's keys (the table's column list) reads them once per block.
 */
export const RUN_BLOCK_KEYS: unique symbol = Symbol('cairn.runBlockKeys');

export interface RunBlockKeys {
  params: readonly string[];
  metrics: readonly string[];
  tags: readonly string[];
}

/** The shared keys of a run decoded from a uniform block, or undefined. */
export function runBlockKeys(run: Run): RunBlockKeys | undefined {
  return (run as { [RUN_BLOCK_KEYS]?: RunBlockKeys })[RUN_BLOCK_KEYS];
}

function uniformKeys(block: RunBlock): RunBlockKeys | undefined {
  const full = (codes: Uint32Array) => codes.every((c) => c !== 0);
  if (!block.params.every((c) => full(c.codes)) || !block.tags.every((c) => full(c.codes))) return undefined;
  const metrics: string[] = [];
  for (const c of block.metrics) {
    let all = true;
    let none = true;
    for (let i = 0; i < block.count; i++) {
      if ((c.has[i] as number) & 1) none = false;
      else all = false;
    }
    if (!all && !none) return undefined;
    if (all) metrics.push(c.key);
  }
  return { params: block.params.map((c) => c.key), metrics, tags: block.tags.map((c) => c.key) };
}

const lazySummaries = new WeakMap<object, () => Record<string, MetricSummary>>();

/** A decoded run: plain data, with `metricSummaries` made on first read. */
class DecodedRun {
  declare id: string;
  declare source: RunSource;
  declare name: string;
  declare status: RunStatus;
  declare lifecycleStage: Run['lifecycleStage'];
  declare startTime: number | null;
  declare endTime: number | null;
  declare userId: string;
  declare artifactUri: string;
  declare params: Record<string, string>;
  declare metrics: Record<string, number>;
  declare tags: Record<string, string>;
  get metricSummaries(): Record<string, MetricSummary> {
    const make = lazySummaries.get(this);
    const value = make ? make() : {};
    Object.defineProperty(this, 'metricSummaries', { value, enumerable: true, writable: true, configurable: true });
    return value;
  }
  set metricSummaries(value: Record<string, MetricSummary>) {
    Object.defineProperty(this, 'metricSummaries', { value, enumerable: true, writable: true, configurable: true });
  }
}

interface BlockDecoder {
  sources: RunSource[];
  keys: RunBlockKeys | undefined;
  proto: object;
  templates: {
    params: Record<string, string>;
    metrics: Record<string, number>;
    tags: Record<string, string>;
    metricCols: MetricColumn[];
  } | null;
}

/**
 * What decoding any run of a block needs, made once per block: a table decodes the few runs in
 * view again and again, and finding a block's uniform keys reads every run of it.
 */
const decoders = new WeakMap<RunBlock, BlockDecoder>();

function decoderOf(block: RunBlock): BlockDecoder {
  const known = decoders.get(block);
  if (known) return known;
  const sources = block.sources.map((s) => JSON.parse(s) as RunSource);
  const keys = uniformKeys(block);
  let proto: object = DecodedRun.prototype;
  if (keys) {
    proto = Object.create(DecodedRun.prototype);
    Object.defineProperty(proto, RUN_BLOCK_KEYS, { value: keys });
  }
  // Every run of a uniform block has the same keys: its records start as copies of one template
  // (a copy takes the template's shape at once) and only their values are set — 2.5× faster
  // than adding 100 keys one by one to each of 100,000 runs. (`__proto__` needs put's care.)
  const templates =
    keys && ![...keys.params, ...keys.metrics, ...keys.tags].includes('__proto__')
      ? {
          params: Object.fromEntries(keys.params.map((k) => [k, ''])) as Record<string, string>,
          metrics: Object.fromEntries(keys.metrics.map((k) => [k, 0.5])) as Record<string, number>,
          tags: Object.fromEntries(keys.tags.map((k) => [k, ''])) as Record<string, string>,
          metricCols: block.metrics.filter((c) => keys.metrics.includes(c.key)),
        }
      : null;
  const made = { sources, keys, proto, templates };
  decoders.set(block, made);
  return made;
}

/**
 * The runs of a block, in order. `from`/`to` decode a slice (to spread a big block over
 * several tasks). `extra[i]` is returned beside each run.
 */
export function decodeRunBlock(block: RunBlock, from = 0, to = block.count): { run: Run; extra: string | null }[] {
  const { sources, proto, templates } = decoderOf(block);
  const out: { run: Run; extra: string | null }[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const run = Object.create(proto) as DecodedRun;
    run.id = block.ids[i] as string;
    run.source = structuredCloneSource(sources[block.sourceOf[i] as number] as RunSource);
    run.name = block.names[i] as string;
    run.status = RUN_STATUSES[block.status[i] as number] as RunStatus;
    run.lifecycleStage = block.deleted[i] ? 'deleted' : 'active';
    const st = block.startTime[i] as number;
    const et = block.endTime[i] as number;
    run.startTime = Number.isNaN(st) ? null : st;
    run.endTime = Number.isNaN(et) ? null : et;
    run.userId = block.users[i] as string;
    run.artifactUri = block.artifactUris[i] as string;
    let params: Record<string, string>;
    let tags: Record<string, string>;
    let metrics: Record<string, number>;
    let summaries = false;
    if (templates) {
      params = { ...templates.params };
      for (const c of block.params) params[c.key] = c.dict[(c.codes[i] as number) - 1] as string;
      tags = { ...templates.tags };
      for (const c of block.tags) tags[c.key] = c.dict[(c.codes[i] as number) - 1] as string;
      metrics = { ...templates.metrics };
      for (const c of templates.metricCols) metrics[c.key] = c.value[i] as number;
      for (const c of block.metrics) {
        if ((c.has[i] as number) & 2) {
          summaries = true;
          break;
        }
      }
    } else {
      params = {};
      for (const c of block.params) {
        const code = c.codes[i] as number;
        if (code) put(params, c.key, c.dict[code - 1] as string);
      }
      tags = {};
      for (const c of block.tags) {
        const code = c.codes[i] as number;
        if (code) put(tags, c.key, c.dict[code - 1] as string);
      }
      metrics = {};
      for (const c of block.metrics) {
        const has = c.has[i] as number;
        if (has & 1) put(metrics, c.key, c.value[i] as number);
        if (has & 2) summaries = true;
      }
    }
    run.params = params;
    run.metrics = metrics;
    run.tags = tags;
    if (summaries) {
      const at = i;
      lazySummaries.set(run, () => {
        const s: Record<string, MetricSummary> = {};
        for (const c of block.metrics) {
          if (!((c.has[at] as number) & 2)) continue;
          put(s, c.key, {
            last: c.last[at] as number,
            min: c.min[at] as number,
            max: c.max[at] as number,
            step: c.step[at] as number,
            timestamp: c.timestamp[at] as number,
            count: c.count[at] as number,
          });
        }
        return s;
      });
    }
    out[i - from] = { run: run as Run, extra: block.extra[i] ?? null };
  }
  return out;
}

/** Each run gets its own source object (as rows read from a store do). */
function structuredCloneSource(s: RunSource): RunSource {
  return s.kind === 'mlflow'
    ? { kind: 'mlflow', runId: s.runId, experimentId: s.experimentId }
    : { kind: 'git', commit: s.commit, branch: s.branch };
}
