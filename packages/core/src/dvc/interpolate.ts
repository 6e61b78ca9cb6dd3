/**
 * `${…}` interpolation as DVC's parsing/interpolate.py does it: `${a.b}`, `${a[0]}`, `${a.0}`
 * look values up in a context; a string that is one whole `${…}` takes the value's own type;
 * inside a longer string values are written as text, and in `cmd` a mapping unpacks to
 * `--key value` arguments and a list to space-separated words. `\${` stays literal.
 */
import { CairnError } from '../errors/cairn-error.ts';
import { isRecord, setOwn } from './schema-error.ts';

export type Context = Record<string, unknown>;

export class InterpolationError extends CairnError<'interpolation'> {
  override readonly name = 'InterpolationError';
  constructor(message: string) {
    super('interpolation', message);
  }
}

const EXPR = /(\\)?\$\{([^{}]*)\}/g;
const WHOLE = /^\$\{([^{}]*)\}$/;

/** Splits `a.b[0].c` into ['a', 'b', '0', 'c']. */
export function splitKeyPath(expr: string): string[] {
  const parts: string[] = [];
  for (const piece of expr.trim().split('.')) {
    const m = /^([^[\]]*)((?:\[[^[\]]*\])*)$/.exec(piece);
    if (!m) throw new InterpolationError(`'${expr}' is not a valid key path.`);
    if (m[1] !== '') parts.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[([^[\]]*)\]/g)) parts.push(idx[1]!.trim());
  }
  if (parts.length === 0 || parts.some((p) => p === ''))
    throw new InterpolationError(`'${expr}' is not a valid key path.`);
  return parts;
}

/** The value at a dotted key path, or throws an InterpolationError naming what is missing. */
export function lookup(context: Context, expr: string): unknown {
  let value: unknown = context;
  const seen: string[] = [];
  for (const part of splitKeyPath(expr)) {
    seen.push(part);
    if (Array.isArray(value) && /^\d+$/.test(part) && Number(part) < value.length) value = value[Number(part)];
    else if (isRecord(value) && Object.hasOwn(value, part)) value = value[part];
    else throw new InterpolationError(`'${seen.join('.')}' is not defined (in \${${expr.trim()}}).`);
  }
  return value;
}

/** Text form of a value inside a longer string (Python-like: true/false, None → null). */
export function valueToText(value: unknown, expr: string, inCmd: boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan';
  if (value === null || value === undefined) return 'None';
  if (inCmd && Array.isArray(value)) return value.map((v) => valueToText(v, expr, inCmd)).join(' ');
  if (inCmd && isRecord(value)) {
    const args: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === true) args.push(`--${k}`);
      else if (v === false) args.push(`--no-${k}`);
      else args.push(`--${k}`, valueToText(v, expr, inCmd));
    }
    return args.join(' ');
  }
  throw new InterpolationError(
    `\${${expr.trim()}} is ${Array.isArray(value) ? 'a list' : 'a mapping'} and cannot be put inside a string.`,
  );
}

/** Resolves one string. Throws InterpolationError on an unknown key or unprintable value. */
/** Told about every value looked up (DVC tracks params used in `${…}` as stage params). */
export type LookupListener = (path: string[], value: unknown) => void;

function tracked(context: Context, expr: string, listener?: LookupListener): unknown {
  const value = lookup(context, expr);
  listener?.(splitKeyPath(expr), value);
  return value;
}

export function interpolateString(text: string, context: Context, inCmd = false, listener?: LookupListener): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return tracked(context, whole[1]!, listener);
  if (!text.includes('${')) return text;
  return text.replace(EXPR, (_m, escaped: string | undefined, expr: string) =>
    escaped ? `\${${expr}}` : valueToText(tracked(context, expr, listener), expr, inCmd),
  );
}

/** Resolves every string value (and keys holding `${…}`); `cmd` strings unpack maps and lists. */
export function interpolateValue(value: unknown, context: Context, inCmd = false, listener?: LookupListener): unknown {
  if (typeof value === 'string') return interpolateString(value, context, inCmd, listener);
  if (Array.isArray(value)) return value.map((v) => interpolateValue(v, context, inCmd, listener));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Keys are paths in `outs: [{\${name}.json: {cache: false}}]` and params file names.
      const key = k.includes('${') ? valueToText(interpolateString(k, context, false, listener), k, false) : k;
      setOwn(out, key, interpolateValue(v, context, inCmd || k === 'cmd', listener));
    }
    return out;
  }
  return value;
}
