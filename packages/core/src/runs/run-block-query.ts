/**
 * The filter language and order_by evaluated column-wise over a columnar block of runs
 * (run-block.ts), without making a run object: the answer is a list of run indices
 * (Uint32Array), ready to be posted from a worker as a transferable. The meaning is exactly the
 * row-wise one (filter-evaluate.ts compileRunFilter, order-by.ts sortRuns) — the property test
 * holds them equal on generated runs. A comparison on a dictionary-encoded column (params, tags,
 * status) is decided once per distinct value, then read per run through its code; numbers are
 * read from their typed arrays. Pure: no I/O.
 */
import { compileFilter, type RunNotes } from './filter-evaluate.ts';
import type { FilterNode, Identifier } from './filter-parser.ts';
import type { OrderBy } from './order-by.ts';
import { RUN_STATUSES, type RunSource } from './run.ts';
import type { RunBlock, TextColumn } from './run-block.ts';

type Value = string | number | null | undefined;

/**
 * One identifier's values over the block, in the cheapest shape: a dictionary and a code per
 * run (code 0: missing), numbers per run (with "missing" where a run lacks them), or strings
 * per run. `absent`: no run has the identifier.
 */
type ColumnView =
  | { kind: 'absent' }
  | { kind: 'dict'; dict: readonly Value[]; codes: ArrayLike<number>; zeroMissing: boolean }
  | { kind: 'numbers'; values: Float64Array; present: (i: number) => boolean; nullIsNaN: boolean }
  | { kind: 'strings'; values: readonly string[] };

function textView(cols: readonly TextColumn[], key: string): ColumnView {
  const c = cols.find((col) => col.key === key);
  return c ? { kind: 'dict', dict: c.dict, codes: c.codes, zeroMissing: true } : { kind: 'absent' };
}

function viewOf(block: RunBlock, id: Pick<Identifier, 'entity' | 'key'>, notes?: RunNotes): ColumnView {
  switch (id.entity) {
    case 'metric': {
      const c = block.metrics.find((col) => col.key === id.key);
      if (!c) return { kind: 'absent' };
      return { kind: 'numbers', values: c.value, present: (i) => ((c.has[i] as number) & 1) !== 0, nullIsNaN: false };
    }
    case 'param':
      return textView(block.params, id.key);
    case 'tag':
      return textView(block.tags, id.key);
    case 'attribute':
      switch (id.key) {
        case 'run_id':
          return { kind: 'strings', values: block.ids };
        case 'run_name':
          return { kind: 'strings', values: block.names };
        case 'user_id':
          return { kind: 'strings', values: block.users };
        case 'artifact_uri':
          return { kind: 'strings', values: block.artifactUris };
        case 'status':
          return { kind: 'dict', dict: RUN_STATUSES, codes: block.status, zeroMissing: false };
        case 'lifecycle_stage':
          return { kind: 'dict', dict: ['active', 'deleted'], codes: block.deleted, zeroMissing: false };
        case 'experiment_id':
          return {
            kind: 'dict',
            dict: block.sources.map((s) => {
              const source = JSON.parse(s) as RunSource;
              return source.kind === 'mlflow' ? source.experimentId : null;
            }),
            codes: block.sourceOf,
            zeroMissing: false,
          };
        case 'start_time':
          return { kind: 'numbers', values: block.startTime, present: () => true, nullIsNaN: true };
        case 'end_time':
          return { kind: 'numbers', values: block.endTime, present: () => true, nullIsNaN: true };
        case 'note':
          // As compileRunFilter with notes: a run without a note has ''; without notes, no value.
          return notes ? { kind: 'strings', values: block.ids.map((id) => notes.get(id) ?? '') } : { kind: 'absent' };
        default:
          return { kind: 'absent' };
      }
  }
}

/** The value run `i` holds in a view (what runValue would read from the decoded run). */
function valueAt(view: ColumnView, i: number): Value {
  switch (view.kind) {
    case 'absent':
      return undefined;
    case 'dict': {
      const code = view.codes[i] as number;
      if (!view.zeroMissing) return view.dict[code];
      return code === 0 ? undefined : view.dict[code - 1];
    }
    case 'numbers': {
      if (!view.present(i)) return undefined;
      const v = view.values[i] as number;
      return view.nullIsNaN && Number.isNaN(v) ? null : v;
    }
    case 'strings':
      return view.values[i];
  }
}

/** Identity accessor: a leaf compiled with it decides one value (not one run). */
const itself = (v: Value): Value => v;

/** 1 where run i matches the node. */
function maskOf(block: RunBlock, node: FilterNode, notes?: RunNotes): Uint8Array {
  const n = block.count;
  if (node.kind === 'and' || node.kind === 'or') {
    const parts = node.items.map((item) => maskOf(block, item, notes));
    const out = new Uint8Array(n);
    const all = node.kind === 'and';
    for (let i = 0; i < n; i++) {
      let v = all;
      for (const m of parts) {
        if ((m[i] === 1) !== all) {
          v = !all;
          break;
        }
      }
      out[i] = v ? 1 : 0;
    }
    return out;
  }
  const keep = compileFilter<Value>(node, itself);
  const view = viewOf(block, node.id, notes);
  const out = new Uint8Array(n);
  switch (view.kind) {
    case 'absent':
      if (keep(undefined)) out.fill(1);
      return out;
    case 'dict': {
      // Decided once per distinct value; a missing value (code 0 of a params/tags column) too.
      const offset = view.zeroMissing ? 1 : 0;
      const ok = new Uint8Array(view.dict.length + offset);
      if (view.zeroMissing) ok[0] = keep(undefined) ? 1 : 0;
      for (let d = 0; d < view.dict.length; d++) ok[d + offset] = keep(view.dict[d]) ? 1 : 0;
      for (let i = 0; i < n; i++) out[i] = ok[view.codes[i] as number] as number;
      return out;
    }
    default:
      for (let i = 0; i < n; i++) out[i] = keep(valueAt(view, i)) ? 1 : 0;
      return out;
  }
}

/**
 * Indices (ascending) of the block's runs the filter keeps: the same runs as
 * `decodeRunBlock(block).map(r => r.run).filter(compileRunFilter(node, notes))`. `null` keeps all.
 */
export function filterRunBlock(block: RunBlock, node: FilterNode | null, notes?: RunNotes): Uint32Array {
  if (node === null) return Uint32Array.from({ length: block.count }, (_, i) => i);
  const mask = maskOf(block, node, notes);
  let m = 0;
  for (let i = 0; i < mask.length; i++) m += mask[i] as number;
  const out = new Uint32Array(m);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) out[k++] = i;
  return out;
}

/** One sort clause as numbers: a rank (0 value, 1 NaN, 2 missing) and a key that orders values. */
interface SortKey {
  rank: Uint8Array;
  key: Float64Array;
  /**
   * For a column of one string per run (ids, names): the strings, compared directly — ordering
   * 100,000 distinct ids up front costs more than the few ties that ever reach them.
   */
  strings: readonly string[] | null;
  ascending: boolean;
}

/** Distinct strings → their position in code-unit order (what `<` on strings compares). */
function orderOfStrings(values: Iterable<string>): Map<string, number> {
  const sorted = [...new Set(values)].sort();
  return new Map(sorted.map((s, i) => [s, i]));
}

function sortKeyOf(block: RunBlock, o: OrderBy): SortKey {
  const n = block.count;
  const rank = new Uint8Array(n);
  const key = new Float64Array(n);
  const view = viewOf(block, o.id);
  switch (view.kind) {
    case 'absent':
      rank.fill(2);
      break;
    case 'dict': {
      // Ranked once per distinct value, then read through the codes.
      const offset = view.zeroMissing ? 1 : 0;
      const order = orderOfStrings(view.dict.filter((v): v is string => typeof v === 'string'));
      const dRank = new Uint8Array(view.dict.length + offset);
      const dKey = new Float64Array(view.dict.length + offset);
      if (view.zeroMissing) dRank[0] = 2;
      view.dict.forEach((v, d) => {
        if (typeof v === 'string') dKey[d + offset] = order.get(v) as number;
        else dRank[d + offset] = 2;
      });
      for (let i = 0; i < n; i++) {
        const c = view.codes[i] as number;
        rank[i] = dRank[c] as number;
        key[i] = dKey[c] as number;
      }
      break;
    }
    case 'numbers':
      for (let i = 0; i < n; i++) {
        if (!view.present(i)) {
          rank[i] = 2;
          continue;
        }
        const v = view.values[i] as number;
        if (Number.isNaN(v)) rank[i] = view.nullIsNaN ? 2 : 1;
        else key[i] = v;
      }
      break;
    case 'strings':
      return { rank, key, strings: view.values, ascending: o.ascending };
  }
  return { rank, key, strings: null, ascending: o.ascending };
}

const START_TIME = { entity: 'attribute', key: 'start_time' } as const;
const RUN_ID = { entity: 'attribute', key: 'run_id' } as const;

/**
 * The indices `rows` (default: every run, in block order) in the order of order-by.ts
 * `sortRuns`: the clauses, then start_time DESC (unless ordered by it), then run id, missing
 * values and NaN last whatever the direction; runs equal in all of them keep their order in
 * `rows`.
 */
export function orderRunBlock(block: RunBlock, orderBys: readonly OrderBy[], rows?: Uint32Array): Uint32Array {
  const clauses: { id: Pick<Identifier, 'entity' | 'key'>; ascending: boolean }[] = [...orderBys];
  if (!orderBys.some((o) => o.id.entity === 'attribute' && o.id.key === 'start_time'))
    clauses.push({ id: START_TIME, ascending: false });
  clauses.push({ id: RUN_ID, ascending: true });
  const keys = clauses.map((c) => sortKeyOf(block, c as OrderBy));
  const from = rows ?? Uint32Array.from({ length: block.count }, (_, i) => i);
  const positions = Uint32Array.from({ length: from.length }, (_, p) => p);
  positions.sort((pa, pb) => {
    const a = from[pa] as number;
    const b = from[pb] as number;
    for (let c = 0; c < keys.length; c++) {
      const k = keys[c] as SortKey;
      const ra = k.rank[a] as number;
      const rb = k.rank[b] as number;
      if (ra !== rb) return ra - rb;
      if (ra !== 0) continue;
      const strings = k.strings;
      const va = strings ? (strings[a] as string) : (k.key[a] as number);
      const vb = strings ? (strings[b] as string) : (k.key[b] as number);
      if (va !== vb) return (va < vb ? -1 : 1) * (k.ascending ? 1 : -1);
    }
    return pa - pb;
  });
  const out = new Uint32Array(from.length);
  for (let p = 0; p < positions.length; p++) out[p] = from[positions[p] as number] as number;
  return out;
}
