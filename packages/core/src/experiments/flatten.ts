/**
 * Nested params and metrics as flat columns: `{train: {lr: 0.1}}` → `train.lr`. Params keep
 * their text (as MLflow stores params); metrics keep numbers only — a non-numeric "metric"
 * (a string, a list) is not a metric and is left out rather than guessed at.
 */

export function flattenParams(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    setOwnKey(out, prefix, paramText(value));
  }
  return out;
}

function paramText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

export function flattenMetrics(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      flattenMetrics(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix && typeof value === 'number') {
    setOwnKey(out, prefix, value);
  } else if (prefix && typeof value === 'boolean') {
    setOwnKey(out, prefix, value ? 1 : 0);
  }
  return out;
}

/** Keys are data: `__proto__` must become an own property, not a prototype change. */
function setOwnKey<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
