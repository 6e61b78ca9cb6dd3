/**
 * errors/ — the typed errors every parser and graph builder in @cairn/core returns.
 * Parsers never throw: they return a `Result<T>`; the UI maps `code` to words, nobody matches on
 * message text. Errors survive a JSON round trip (they cross worker and network boundaries).
 */

import { CairnError } from './cairn-error.ts';

/** What went wrong while reading a file. Stable: the UI and the CLI switch on these. */
export type ParseErrorCode =
  | 'yaml_syntax'
  | 'json_syntax'
  | 'toml_syntax'
  | 'csv_syntax'
  | 'ini_syntax'
  | 'duplicate_key'
  | 'too_large'
  | 'too_deep'
  | 'too_many_aliases'
  | 'schema'
  | 'interpolation'
  | 'missing_file'
  | 'unsupported_format'
  /** A path in a DVC file is absolute, climbs out of the repository, or writes into `.git`/`.dvc`. */
  | 'unsafe_path'
  /** foreach/matrix would generate more stages than the cap. */
  | 'too_many_stages';

export interface ParseErrorData {
  code: ParseErrorCode;
  message: string;
  /** The file the text came from, as the caller named it (repository-relative POSIX path). */
  file?: string;
  /** 1-based line and column of the offending text, when there is one. */
  line?: number;
  column?: number;
  /** Key path inside the document (`stages.train.outs.0`), when the error is about a value. */
  path?: string;
}

/** Where in a file an error is, as ParseError's `data`. */
export type ParseLocation = Omit<ParseErrorData, 'code' | 'message'>;

/** A file could not be read as the format it claims to be. */
export class ParseError extends CairnError<ParseErrorCode, ParseLocation> {
  override readonly name = 'ParseError';
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;

  constructor(data: ParseErrorData) {
    const location: ParseLocation = {};
    if (data.file !== undefined) location.file = data.file;
    if (data.line !== undefined) location.line = data.line;
    if (data.column !== undefined) location.column = data.column;
    if (data.path !== undefined) location.path = data.path;
    super(data.code, data.message, location);
    Object.assign(this, location);
  }

  /** `file:line:column: message`, the form editors and compilers use. */
  describe(): string {
    const where = [this.file, this.line, this.column].filter((p) => p !== undefined).join(':');
    return where ? `${where}: ${this.message}` : this.message;
  }

  /** The flat form parsers have always sent (file, line, … at the top), plus the base's `data`. */
  override toJSON(): ParseErrorData & { name: 'ParseError'; data: ParseLocation } {
    return { name: 'ParseError', code: this.code, message: this.message, ...this.data, data: this.data };
  }

  static override fromJSON(data: ParseErrorData): ParseError {
    return new ParseError({ ...(data as { data?: ParseLocation }).data, ...data });
  }

  /** The same error, said about another file (parsers of embedded text learn the file late). */
  withFile(file: string | undefined): ParseError {
    if (file === undefined || this.file !== undefined) return this;
    return new ParseError({ code: this.code, message: this.message, ...this.data, file });
  }
}
