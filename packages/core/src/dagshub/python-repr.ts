/**
 * Values written the way Python writes them, for files Python tools write (the DagsHub logger's
 * metrics.csv and params.yml): `repr(float)`, ints, `repr(str)`, and `str()` of lists and dicts.
 * JavaScript has one number type, so one rule says which numbers are Python ints: whole numbers
 * below 1e16 (where Python's repr of the float would also show every digit) and every BigInt;
 * other numbers are floats (`1e16` → `1e+16`, like the float literal `1e16` in Python).
 */

/**
 * Python's `repr` of a float: shortest round-trip digits, exponent form below 1e-4 and from
 * 1e16 (`1e-05`, `1e+16`), `.0` on whole numbers, `nan`, `inf`, `-inf`.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${int}.${frac === '' ? '0' : frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Whether a JavaScript number stands for a Python int (see the rule above). */
export function isPythonInt(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x) < 1e16;
}

/** A JavaScript number or BigInt as Python prints it: ints as ints, others as `repr(float)`. */
export function pythonNumber(x: number | bigint): string {
  if (typeof x === 'bigint') return x.toString();
  return isPythonInt(x) ? String(Object.is(x, -0) ? 0 : x) : pythonFloatRepr(x);
}

/** How Python's repr writes a character str.isprintable() refuses: `\x00`, `\u2028`, `\U000e0001`. */
function pythonEscape(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
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
    else if (ch !== ' ' && /^[\p{C}\p{Z}]$/u.test(ch)) out += pythonEscape(ch);
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's `repr()` of a JSON-like value (lists and dicts as Python prints them). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return pythonNumber(value);
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
