/**
 * Deep equality of the plain values parsed from YAML and JSON files and messages (records,
 * arrays, strings, numbers, booleans, null): what DVC files, params, pipeline diffs and runs are
 * compared with. A module of its own, with no imports, so code that compares values does not
 * bring the YAML library along.
 */

/** Deep equality of plain JSON-like values (key order ignored; NaN equals NaN). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]));
}
