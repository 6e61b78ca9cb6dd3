/**
 * The bytes Python's `json.dumps(value, sort_keys=True)` produces with its defaults
 * (`", "` and `": "` separators, `ensure_ascii=True`), for the value shapes a `.dir` manifest
 * holds. DVC hashes these exact bytes, so every difference — a missing space, `é` instead of
 * `\u00e9` — gives a different directory hash.
 */

/** Python's `py_encode_basestring_ascii`: everything outside ' '..'~' escaped, astral as surrogate pairs. */
export function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      if (c === 0x22) out += '\\"';
      else if (c === 0x5c) out += '\\\\';
      else out += s[i];
      continue;
    }
    switch (c) {
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      default:
        // JS strings are UTF-16 already, so an astral character arrives as its surrogate pair.
        out += `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}"`;
}

/** Python's ordering of `str`: by code point (JS `<` compares UTF-16 units, which differs for astral). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate stands for an astral code point (≥ 0x10000), above every BMP unit, whereas in
    // UTF-16 order it sorts below 0xE000–0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export type PythonJsonValue = string | number | boolean | null | PythonJsonValue[] | { [k: string]: PythonJsonValue };

/** `json.dumps(value, sort_keys=True)` for strings, integers, booleans, null, lists and dicts. */
export function pythonJsonDumps(value: PythonJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError('pythonJsonDumps: only integers are supported');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const keys = Object.keys(value).sort(compareCodePoints);
  return `{${keys.map((k) => `${pythonJsonString(k)}: ${pythonJsonDumps(value[k] as PythonJsonValue)}`).join(', ')}}`;
}
