/**
 * How Python prints values, for files that must match what the DagsHub logger (a Python
 * library) writes byte for byte: `repr(float)` in metrics.csv and `str(value)` for params that
 * are not plain scalars. JavaScript has one number type, so integer-valued numbers are written
 * as Python ints (`4`, not `4.0`) — the same value to every reader.
 */

/** `repr()` of a Python int or float holding `x`: `4`, `0.1`, `1e-05`, `1.5e+16`, `nan`, `-inf`. */
export function pythonNumberRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isInteger(x)) return Object.is(x, -0) ? '0' : BigInt(x).toString();
  // toExponential() without digits gives the shortest round-trip digits, as Python's repr does.
  const [mantissa = '', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exp < 0) text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length > exp + 1) text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else text = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return negative ? `-${text}` : text;
}

/** Python's `repr(str)`: single quotes unless the text holds a single quote and no double one. */
export function pythonStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's `repr()` of a JSON-like value (lists and dicts as Python prints them). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pythonNumberRepr(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pythonStringRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (value instanceof Date) return pythonStringRepr(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
  }
  return pythonStringRepr(String(value));
}

/** Python's `str()`: strings as themselves, everything else as its repr. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}
