/**
 * The stored form of a run block (the app keeps a repository's runs as these in IndexedDB):
 * the block with every string of it — ids, names, users, artifact URIs, sources, extras, column
 * keys and the params' and tags' dictionaries — in ONE string with a Uint32Array of where each
 * ends, and dictionary codes in the narrowest unsigned array that holds them. A block of 2,048
 * runs × 100 columns holds ~55,000 strings (most of them dictionary values); as string arrays,
 * structured clone writes and reads each on its own — allocated one by one, and then traced by
 * every garbage collection of the heap that holds them — where one string is one copy.
 *
 * `packRunBlock(block)` → packed, `unpackRunBlock(packed)` → a block equal to the one packed
 * (every string exact: one JS string holds any UTF-16, lone surrogates included). The unpacked
 * block's ids are there at once; its other strings (names, users, artifact URIs, sources, extras
 * and each column's dictionary) are cut from the packed string when first read — opening 100,000
 * runs reads the ids, and a sort or filter the few columns it names. Metric arrays are the
 * block's own (shared ones stay shared through a structured clone; equal `has` arrays are made
 * one here): read them, never write them. Packing a block that was unpacked gives back the
 * packed form it came from. Pure: no I/O.
 */
import type { MetricColumn, RunBlock, TextColumn } from './run-block.ts';
import { RUN_BLOCK_FORMAT } from './run-block.ts';

/** The stored form's version (1 was the RunBlock itself, strings as arrays). */
export const PACKED_RUN_BLOCK_FORMAT = 2;

type Codes = Uint8Array | Uint16Array | Uint32Array;

/** A text column: its dictionary's size (the strings are in the block's text) and the codes. */
export interface PackedTextColumn {
  size: number;
  codes: Codes;
}

export type PackedMetricColumn = Omit<MetricColumn, 'key'>;

/**
 * Strings in `text`, in this order: ids, names, users, artifact URIs (`count` each), sources
 * (`sourceCount`), the extras of the runs that have one (`hasExtra`), the params', tags' and
 * metrics' keys, then each param's dictionary and each tag's (`size` each). String k is
 * `text.slice(ends[k - 1] ?? 0, ends[k])`.
 */
export interface PackedRunBlock {
  format: typeof PACKED_RUN_BLOCK_FORMAT;
  count: number;
  text: string;
  ends: Uint32Array;
  sourceCount: number;
  /** 1 where run i has an extra (null: no run has one). */
  hasExtra: Uint8Array | null;
  status: Uint8Array;
  deleted: Uint8Array;
  startTime: Float64Array;
  endTime: Float64Array;
  sourceOf: Uint32Array;
  params: PackedTextColumn[];
  tags: PackedTextColumn[];
  metrics: PackedMetricColumn[];
}

/** Unpacked blocks and the packed form each came from (packing one again gives it back). */
const packedOf = new WeakMap<RunBlock, PackedRunBlock>();

function narrowCodes(codes: Uint32Array, size: number): Codes {
  if (size < 0x100) return new Uint8Array(codes);
  if (size < 0x10000) return new Uint16Array(codes);
  return codes.slice();
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function packRunBlock(block: RunBlock): PackedRunBlock {
  const known = packedOf.get(block);
  if (known) return known;
  const strings: string[] = [];
  const add = (list: readonly string[]) => {
    for (const s of list) strings.push(s);
  };
  add(block.ids);
  add(block.names);
  add(block.users);
  add(block.artifactUris);
  add(block.sources);
  let hasExtra: Uint8Array | null = null;
  block.extra.forEach((e, i) => {
    if (e === null) return;
    hasExtra ??= new Uint8Array(block.count);
    hasExtra[i] = 1;
    strings.push(e);
  });
  for (const c of block.params) strings.push(c.key);
  for (const c of block.tags) strings.push(c.key);
  for (const c of block.metrics) strings.push(c.key);
  for (const c of block.params) add(c.dict);
  for (const c of block.tags) add(c.dict);
  const ends = new Uint32Array(strings.length);
  let at = 0;
  strings.forEach((s, k) => {
    at += s.length;
    ends[k] = at;
  });
  // Columns logged together have the same `has`: kept once.
  const hasArrays: Uint8Array[] = [];
  const metrics = block.metrics.map(({ key: _key, has, ...arrays }): PackedMetricColumn => {
    let same = hasArrays.find((h) => bytesEqual(h, has));
    if (!same) {
      same = has;
      hasArrays.push(has);
    }
    return { has: same, ...arrays };
  });
  const text = (c: TextColumn): PackedTextColumn => ({
    size: c.dict.length,
    codes: narrowCodes(c.codes, c.dict.length),
  });
  return {
    format: PACKED_RUN_BLOCK_FORMAT,
    count: block.count,
    text: strings.join(''),
    ends,
    sourceCount: block.sources.length,
    hasExtra,
    status: block.status,
    deleted: block.deleted,
    startTime: block.startTime,
    endTime: block.endTime,
    sourceOf: block.sourceOf,
    params: block.params.map(text),
    tags: block.tags.map(text),
    metrics,
  };
}

const isCodes = (v: unknown): v is Codes =>
  v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array;

/**
 * Whether `v` is a packed block whose parts agree (its format, array lengths, string count):
 * a stored value of another format, or damaged, is not one (then the rows are read instead).
 */
export function isPackedRunBlock(v: unknown): v is PackedRunBlock {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Partial<PackedRunBlock>;
  if (p.format !== PACKED_RUN_BLOCK_FORMAT || typeof p.count !== 'number' || !Number.isInteger(p.count)) return false;
  const n = p.count;
  const perRun = (a: unknown, T: { new (...args: never[]): ArrayLike<number> }) =>
    a instanceof T && (a as ArrayLike<number>).length === n;
  if (
    typeof p.text !== 'string' ||
    !(p.ends instanceof Uint32Array) ||
    typeof p.sourceCount !== 'number' ||
    !perRun(p.status, Uint8Array) ||
    !perRun(p.deleted, Uint8Array) ||
    !perRun(p.startTime, Float64Array) ||
    !perRun(p.endTime, Float64Array) ||
    !perRun(p.sourceOf, Uint32Array) ||
    !(p.hasExtra === null || perRun(p.hasExtra, Uint8Array)) ||
    !Array.isArray(p.params) ||
    !Array.isArray(p.tags) ||
    !Array.isArray(p.metrics)
  )
    return false;
  const textOk = (c: unknown) => {
    const t = c as Partial<PackedTextColumn> | null;
    return typeof t?.size === 'number' && isCodes(t.codes) && t.codes.length === n;
  };
  if (!p.params.every(textOk) || !p.tags.every(textOk)) return false;
  const fields = ['has', 'value', 'last', 'min', 'max', 'step', 'timestamp', 'count'] as const;
  const metricOk = (c: unknown) =>
    typeof c === 'object' &&
    c !== null &&
    fields.every((f, k) => perRun((c as Record<string, unknown>)[f], k === 0 ? Uint8Array : Float64Array));
  if (!p.metrics.every(metricOk)) return false;
  let extras = 0;
  if (p.hasExtra) for (const h of p.hasExtra) extras += h;
  let strings = 4 * n + p.sourceCount + extras + p.params.length + p.tags.length + p.metrics.length;
  for (const c of [...p.params, ...p.tags]) strings += c.size;
  const ends = p.ends;
  return ends.length === strings && (strings === 0 ? p.text.length === 0 : ends[strings - 1] === p.text.length);
}

/** Defines `obj[name]` as `make()`, made on first read (then a plain data property). */
function lazy<T extends object>(obj: T, name: keyof T & string, make: () => unknown): void {
  const settle = (value: unknown) =>
    Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
  Object.defineProperty(obj, name, {
    enumerable: true,
    configurable: true,
    get() {
      const value = make();
      settle(value);
      return value;
    },
    set(value: unknown) {
      settle(value);
    },
  });
}

/** The block packed in `p` (check it with isPackedRunBlock first when it was stored). */
export function unpackRunBlock(p: PackedRunBlock): RunBlock {
  const { text, ends, count: n } = p;
  const list = (from: number, length: number): string[] => {
    const out: string[] = new Array(length);
    let start = from === 0 ? 0 : (ends[from - 1] as number);
    for (let k = 0; k < length; k++) {
      const end = ends[from + k] as number;
      out[k] = text.slice(start, end);
      start = end;
    }
    return out;
  };
  let extras = 0;
  if (p.hasExtra) for (const h of p.hasExtra) extras += h;
  const extrasAt = 4 * n + p.sourceCount;
  const keysAt = extrasAt + extras;
  const paramKeys = list(keysAt, p.params.length);
  const tagKeys = list(keysAt + p.params.length, p.tags.length);
  const metricKeys = list(keysAt + p.params.length + p.tags.length, p.metrics.length);
  let dictAt = keysAt + p.params.length + p.tags.length + p.metrics.length;
  const textColumns = (cols: PackedTextColumn[], keys: string[]): TextColumn[] =>
    cols.map((c, k) => {
      const from = dictAt;
      dictAt += c.size;
      const col = { key: keys[k] as string, dict: [] as string[], codes: new Uint32Array(c.codes) };
      lazy(col, 'dict', () => list(from, c.size));
      return col;
    });
  const params = textColumns(p.params, paramKeys);
  const tags = textColumns(p.tags, tagKeys);
  const block: RunBlock = {
    format: RUN_BLOCK_FORMAT,
    count: n,
    ids: list(0, n),
    names: [],
    users: [],
    artifactUris: [],
    status: p.status,
    deleted: p.deleted,
    startTime: p.startTime,
    endTime: p.endTime,
    sources: [],
    sourceOf: p.sourceOf,
    params,
    tags,
    metrics: p.metrics.map((c, k) => ({ key: metricKeys[k] as string, ...c })),
    extra: [],
  };
  lazy(block, 'names', () => list(n, n));
  lazy(block, 'users', () => list(2 * n, n));
  lazy(block, 'artifactUris', () => list(3 * n, n));
  lazy(block, 'sources', () => list(4 * n, p.sourceCount));
  const hasExtra = p.hasExtra;
  if (hasExtra)
    lazy(block, 'extra', () => {
      const values = list(extrasAt, extras);
      let next = 0;
      return Array.from(hasExtra, (h) => (h ? (values[next++] as string) : null));
    });
  else block.extra = new Array(n).fill(null);
  packedOf.set(block, p);
  return block;
}

/** A typed array's place in the bytes of a split block (see splitPackedRunBlock). */
const ARRAY_REF = '$array';
const KINDS = [Uint8Array, Uint16Array, Uint32Array, Float64Array] as const;
type Kind = (typeof KINDS)[number];

/**
 * A packed block in two parts, for a store that keeps bytes apart (the app: one Blob): `bytes`
 * holds its typed arrays one after another, each at a multiple of 8 (an array held twice, once),
 * and `head` the rest, each array replaced by `{ $array: k }` and `arrays` saying where array k
 * is (its kind, byte offset and length). Read back, the arrays are views into one buffer: no
 * copy, and no deserialisation of them (structured clone of a block's ~250 arrays, as IndexedDB
 * reads a value, cost twice as long as reading the same bytes as a Blob).
 */
export interface SplitRunBlock {
  head: { arrays: number[]; block: unknown };
  bytes: Uint8Array<ArrayBuffer>;
}

export function splitPackedRunBlock(p: PackedRunBlock): SplitRunBlock {
  const found = new Map<ArrayBufferView, number>();
  const detach = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      let k = found.get(v);
      if (k === undefined) {
        k = found.size;
        found.set(v, k);
      }
      return { [ARRAY_REF]: k };
    }
    if (Array.isArray(v)) return v.map(detach);
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, x] of Object.entries(v)) out[key] = detach(x);
      return out;
    }
    return v;
  };
  // The text too (then the head is a few kB: the store reads every block's head before the
  // first block's bytes): ASCII as bytes (the common case), else UTF-16 code units.
  const block = detach({ ...p, text: textArray(p.text) });
  const arrays: number[] = [];
  let size = 0;
  for (const a of found.keys()) {
    const kind = KINDS.findIndex((K) => a instanceof K);
    if (kind < 0) throw new Error('a packed block holds an array of an unknown kind');
    arrays.push(kind, size, (a as InstanceType<Kind>).length);
    size += Math.ceil(a.byteLength / 8) * 8;
  }
  const bytes = new Uint8Array(size);
  let k = 0;
  for (const a of found.keys()) {
    bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), arrays[3 * k + 1] as number);
    k++;
  }
  return { head: { arrays, block }, bytes };
}

/**
 * The packed block split into `head` and `buffer` (splitPackedRunBlock), its arrays views into
 * `buffer`; null when the parts do not make one (another format, damaged, the wrong bytes).
 */
export function joinPackedRunBlock(head: unknown, buffer: ArrayBuffer): PackedRunBlock | null {
  if (typeof head !== 'object' || head === null) return null;
  const { arrays, block } = head as Partial<SplitRunBlock['head']>;
  if (!Array.isArray(arrays) || arrays.length % 3 !== 0) return null;
  const views: ArrayBufferView[] = [];
  for (let k = 0; k < arrays.length; k += 3) {
    const [kind, offset, length] = [arrays[k], arrays[k + 1], arrays[k + 2]];
    const K = KINDS[kind as number];
    if (!K || !Number.isInteger(offset) || !Number.isInteger(length) || (offset as number) % 8 !== 0) return null;
    if ((offset as number) < 0 || (length as number) < 0) return null;
    if ((offset as number) + (length as number) * K.BYTES_PER_ELEMENT > buffer.byteLength) return null;
    views.push(new K(buffer, offset as number, length as number));
  }
  let ok = true;
  const attach = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(attach);
    if (typeof v === 'object' && v !== null) {
      const ref = (v as Record<string, unknown>)[ARRAY_REF];
      if (ref !== undefined) {
        const view = typeof ref === 'number' ? views[ref] : undefined;
        if (!view) ok = false;
        return view;
      }
      const out: Record<string, unknown> = {};
      for (const [key, x] of Object.entries(v)) out[key] = attach(x);
      return out;
    }
    return v;
  };
  const joined = attach(block) as Record<string, unknown> | undefined;
  if (!ok || typeof joined !== 'object' || joined === null) return null;
  const text = joined.text;
  if (!(text instanceof Uint8Array || text instanceof Uint16Array)) return null;
  const decoded = textOf(text);
  if (decoded === null) return null;
  const packed = { ...joined, text: decoded };
  return isPackedRunBlock(packed) ? packed : null;
}

function textArray(text: string): Uint8Array | Uint16Array {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: every ASCII character is meant
  if (/^[\x00-\x7f]*$/.test(text)) return new TextEncoder().encode(text);
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of textArray's array; null when bytes are not ASCII (not a text it wrote). */
function textOf(a: Uint8Array | Uint16Array): string | null {
  if (a instanceof Uint8Array) {
    let text: string;
    try {
      text = utf8.decode(a);
    } catch {
      return null;
    }
    // Only ASCII decodes to as many characters as bytes.
    return text.length === a.length ? text : null;
  }
  // Code units as they are (lone surrogates too), a chunk at a time (an argument list is bounded).
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 8192) parts.push(String.fromCharCode(...a.subarray(i, i + 8192)));
  return parts.join('');
}
