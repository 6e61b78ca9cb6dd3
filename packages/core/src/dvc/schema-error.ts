/** Builds `schema` ParseErrors that point at the offending value of a loaded YAML file. */
import { ParseError } from '../errors/parse-error.ts';
import { type LoadedYaml, positionAt } from '../yaml/load-yaml.ts';

export type KeyPath = readonly (string | number)[];

/** A `schema` error at `path` (`stages.train.outs.0` in the message), with its line and column. */
export function schemaError(loaded: LoadedYaml | undefined, path: KeyPath, message: string, file?: string): ParseError {
  const pos = loaded ? positionAt(loaded, path) : {};
  const f = file ?? loaded?.file;
  return new ParseError({
    code: 'schema',
    message: path.length > 0 ? `${path.join('.')}: ${message}` : message,
    ...(f !== undefined ? { file: f } : {}),
    ...pos,
    ...(path.length > 0 ? { path: path.join('.') } : {}),
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Human name of a value's type, for messages ("expected a list, found a string"). */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/** Sets a key as an own property even when it is `__proto__` (keys come from untrusted files). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
