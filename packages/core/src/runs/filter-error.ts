/**
 * The typed error of the filter language and order_by clauses. It points at the bad token
 * (offset, 1-based line and column, length) so an editor can underline it, and survives a JSON
 * round trip (the server sends it inside MLflow's INVALID_PARAMETER_VALUE body).
 */

import { CairnError } from '../errors/cairn-error.ts';

export type FilterErrorCode =
  | 'unexpected_character'
  | 'unterminated_string'
  | 'unexpected_token'
  | 'unknown_entity'
  | 'unknown_attribute'
  | 'invalid_comparator'
  | 'invalid_value'
  | 'too_deep'
  | 'too_long';

export interface FilterErrorData {
  code: FilterErrorCode;
  message: string;
  /** 0-based offset of the bad token in the text, and its length (0 at end of input). */
  offset: number;
  length: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
}

export class FilterError extends CairnError<FilterErrorCode, Omit<FilterErrorData, 'code' | 'message'>> {
  override readonly name = 'FilterError';
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;

  constructor(data: FilterErrorData) {
    const { offset, length, line, column } = data;
    super(data.code, data.message, { offset, length, line, column });
    this.offset = data.offset;
    this.length = data.length;
    this.line = data.line;
    this.column = data.column;
  }

  /** `line L, column C: message`, for people and for MLflow's error message field. */
  describe(): string {
    return `line ${this.line}, column ${this.column}: ${this.message}`;
  }

  /** Flat (offset, line, … at the top, as MLflow clients have read it) plus the base's `data`. */
  override toJSON() {
    return { ...super.toJSON(), name: 'FilterError' as const, ...this.data };
  }

  static override fromJSON(data: FilterErrorData): FilterError {
    return new FilterError(data);
  }
}

/** Builds a FilterError at `offset` of `text`, computing line and column. */
export function filterErrorAt(
  text: string,
  code: FilterErrorCode,
  message: string,
  offset: number,
  length: number,
): FilterError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return new FilterError({ code, message, offset, length, line, column: offset - lineStart + 1 });
}
