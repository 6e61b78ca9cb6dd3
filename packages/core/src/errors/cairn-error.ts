/**
 * The base of every error Cairn makes itself (core, app, server, CLI, logger): a stable
 * snake_case `code` that callers switch on (nobody matches message text), a message for people,
 * and `data` — JSON values saying what it was about. Errors cross worker and network boundaries,
 * so each survives a JSON round trip: `toJSON()` → `{name, code, message, data}`, and
 * `CairnError.fromJSON` rebuilds one (never throwing, whatever it is given).
 *
 * Codes of other systems are not Cairn's: MLflow's SCREAMING_CASE codes live only at the MLflow
 * wire layer (sync-server/src/mlflow/errors.ts), HTTP statuses beside the codes that map to them.
 */

/**
 * A code in Cairn's one casing, checked by the type checker: lower case words joined by `_`
 * (`storage_full`, `path_not_found`). A kebab, spaced or upper-case literal is a type error.
 */
export type CairnCode<S extends string> = string extends S
  ? string
  : S extends Lowercase<S>
    ? S extends `${string}-${string}` | `${string} ${string}` | `_${string}` | `${string}_`
      ? never
      : S
    : never;

/** Cairn's casing at run time, for codes that arrive as data (JSON from a worker or the server). */
export const CAIRN_CODE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export type ErrorData = Record<string, unknown>;

export interface CairnErrorJSON<Code extends string = string, Data extends object = ErrorData> {
  name: string;
  code: Code;
  message: string;
  data: Data;
}

export class CairnError<Code extends string = string, Data extends object = ErrorData> extends Error {
  readonly code: Code;
  readonly data: Data;

  constructor(code: CairnCode<Code>, message: string, data?: Data, options?: { cause?: unknown }) {
    super(message, options);
    // Subclasses name themselves (class names do not survive minification).
    this.name = 'CairnError';
    this.code = code as Code;
    this.data = data ?? ({} as Data);
  }

  toJSON(): CairnErrorJSON<Code, Data> {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }

  /** Whether a value is an error's JSON form (any Cairn error, as sent across a boundary). */
  static isJSON(value: unknown): value is CairnErrorJSON {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as Record<string, unknown>;
    return typeof v.name === 'string' && typeof v.code === 'string' && typeof v.message === 'string';
  }

  /**
   * An error rebuilt from its JSON form; anything else becomes `unknown_error` holding it, so a
   * receiver never throws while reading a failure.
   */
  static fromJSON(value: unknown): CairnError {
    if (!CairnError.isJSON(value)) {
      return new CairnError('unknown_error', 'An error arrived in a form Cairn does not know.', { value });
    }
    const data = typeof (value as { data?: unknown }).data === 'object' && value.data !== null ? value.data : {};
    const e = new CairnError<string>(value.code, value.message, data as ErrorData);
    e.name = value.name;
    return e;
  }
}
