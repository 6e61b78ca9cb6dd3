/**
 * The one error type commands throw for things a user can act on. `main` prints it as DVC
 * does (`ERROR: …`) and exits with its code: 1 for a failed operation, 2 for a usage mistake
 * (as most CLIs, git uses 129), never a stack trace.
 */
import { CairnError } from '@cairn/core/errors';

export type CliErrorCode =
  | 'usage'
  | 'not_a_repo'
  | 'already_initialised'
  | 'not_found'
  | 'bad_file'
  | 'checkout_failed'
  | 'missing_cache'
  | 'no_remote'
  | 'remote'
  | 'transfer_failed'
  | 'stage_failed'
  | 'pipeline';

export class CliError extends CairnError<CliErrorCode> {
  override readonly name = 'CliError';
  constructor(
    code: CliErrorCode,
    message: string,
    readonly exitCode = code === 'usage' ? 2 : 1,
  ) {
    super(code, message);
  }
}
