/// <reference types="vite/client" />
/**
 * Test-only: the golden cases of golden/make-golden.py — inputs and the exact text PyYAML's
 * `safe_dump` and Python's csv writer made from them — decoded into JavaScript values
 * (`{"$float": "1e+16"}` → number, `{"$int": "…"}` → BigInt). Loaded through Vite so core
 * stays free of `fs`.
 */
const raw = import.meta.glob('./golden/*.json', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;

function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$float === 'string') {
    const special: Record<string, number> = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, '-inf': -Infinity };
    return special[o.$float] ?? Number(o.$float);
  }
  if (typeof o.$int === 'string') return BigInt(o.$int);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
}

function cases(file: string): Record<string, unknown>[] {
  const text = raw[`./golden/${file}`];
  if (text === undefined) throw new Error(`golden file ${file} not found`);
  return (JSON.parse(text) as { cases: Record<string, unknown>[] }).cases;
}

export interface GoldenParams {
  name: string;
  params: Record<string, unknown>;
  yaml: string;
}
export interface GoldenMetrics {
  name: string;
  rows: [string, number | bigint | string, number, number][];
  csv: string;
}

export const goldenParams = (): GoldenParams[] =>
  cases('params-yml.json').map((c) => ({ ...c, params: decode(c.params) }) as GoldenParams);
export const goldenMetrics = (): GoldenMetrics[] =>
  cases('metrics-csv.json').map((c) => ({ ...c, rows: decode(c.rows) }) as GoldenMetrics);
