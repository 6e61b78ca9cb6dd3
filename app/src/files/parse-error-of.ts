/** Test helper: the core ParseError a call throws (the files/ parsers throw it typed). */
import { ParseError } from '@cairn/core/errors';

export function parseErrorOf(run: () => unknown): ParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  throw new Error('expected a ParseError');
}
