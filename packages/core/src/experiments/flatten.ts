/**
 * Nested params and metrics as flat columns (`{train: {lr: 0.1}}` → `train.lr`, flattened by
 * params/ as dvc.lock does). Params become text (as MLflow stores params); metrics keep numbers
 * only — a non-numeric "metric" (a string, a list) is left out rather than guessed at.
 */
import { flattenParams as flattenNested } from '../params/params-file.ts';

function setOwnKey<T>(obj: Record<string, T>, key: string, value: T): void {
  // Keys are data: `__proto__` must become an own property, not a prototype change.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function paramText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export function flattenParamsAsText(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(flattenNested(value))) {
    // An empty section stays a leaf in DVC's flattening; it is not a param of its own here.
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    setOwnKey(out, k, paramText(v));
  }
  return out;
}

export function flattenMetrics(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(flattenNested(value))) {
    if (typeof v === 'number') setOwnKey(out, k, v);
    else if (typeof v === 'boolean') setOwnKey(out, k, v ? 1 : 0);
  }
  return out;
}
