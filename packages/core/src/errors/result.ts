import { ParseError, type ParseErrorData } from './parse-error.ts';

/** What every parser returns: a value, or a typed error. Parsers never throw. */
export type Result<T, E = ParseError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(data: ParseErrorData): { ok: false; error: ParseError } {
  return { ok: false, error: new ParseError(data) };
}

export function failWith<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
