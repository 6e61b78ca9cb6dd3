/** Typed errors of git work, each with a literal `code` the UI turns into a message. */
import { CairnError } from '@cairn/core/errors';

/** The repository is larger than this browser tab can clone (the pack is held in memory while it is indexed). */
export class RepoTooLargeError extends CairnError<'repo_too_large'> {
  constructor(readonly limitBytes: number) {
    super(
      'repo_too_large',
      `This repository's history is larger than ${Math.round(limitBytes / 1024 / 1024)} MiB, more than a browser tab can clone safely. Clone it with git on a computer instead.`,
    );
    this.name = 'RepoTooLargeError';
  }
}

/** The server's pack could not be fetched or read (a refused request, a cut or damaged download). */
export class GitPackError extends CairnError<'git_pack', { statusCode?: number }> {
  constructor(detail: string, statusCode?: number) {
    super(
      'git_pack',
      `Could not download the repository: ${detail}. Try cloning again; if it keeps failing, the server's log says why.`,
      statusCode === undefined ? {} : { statusCode },
    );
    this.name = 'GitPackError';
  }
}

/** Both this device and the server changed the branch, and the changes touch the same files. */
export class DivergedError extends CairnError<'diverged'> {
  constructor(
    readonly branch: string,
    readonly files: string[],
  ) {
    super(
      'diverged',
      `Both this device and the server changed ${branch}, and the changes conflict in ${files.length ? files.join(', ') : 'some files'}. Keep your work: clone the repository with git, merge origin/${branch} there and push; then pull here.`,
    );
    this.name = 'DivergedError';
  }
}

/** The server wants credentials this device does not have, or refused them. */
export class AuthRequiredError extends CairnError<'auth_required'> {
  constructor(readonly server: string) {
    super('auth_required', `Sign in to ${server} to sync this repository.`);
    this.name = 'AuthRequiredError';
  }
}

/**
 * The server knows this user but refuses their changes (403): they may read the repository and
 * no longer write to it (a collaborator's access lowered), or it now mirrors another one.
 */
export class WriteRefusedError extends CairnError<'write_refused'> {
  constructor(readonly server: string) {
    super(
      'write_refused',
      `${server} refuses this device's changes: you may read this repository but no longer write to it (ask its owner for write access), or it now mirrors another repository. Your commits stay on this device.`,
    );
    this.name = 'WriteRefusedError';
  }
}

/** The server has no such repository, or will not say so to this user (private, not shared). */
export class RepoNotFoundError extends Error {
  readonly code = 'repo-not-found' as const;
  constructor(
    readonly server: string,
    readonly fullName: string,
    signedIn: boolean,
  ) {
    super(
      `There is no repository “${fullName}” on ${server}, or you have no access to it. ${
        signedIn
          ? 'Check the name, or ask its owner to share it with you.'
          : 'Check the name, or sign in if it is private.'
      }`,
    );
    this.name = 'RepoNotFoundError';
  }
}

/** The server could not be reached (offline, or it is down). The work stays queued. */
export class ServerUnreachableError extends CairnError<'server_unreachable'> {
  constructor(
    readonly server: string,
    options?: { cause?: unknown },
  ) {
    super(
      'server_unreachable',
      `Cannot reach ${server}. Your work is kept on this device and syncs when the server is reachable.`,
      { server },
      options,
    );
    this.name = 'ServerUnreachableError';
  }
}

/** Turns isomorphic-git and fetch failures into the errors above where they fit. */
export function classifyGitError(error: unknown, server: string): unknown {
  const e = error as { code?: string; data?: { statusCode?: number }; name?: string; message?: string };
  if (e?.code === 'HttpError' && e.data?.statusCode === 401) return new AuthRequiredError(server);
  // Signed in and refused: asking to sign in again would not help (sync-server auth/access.ts).
  if (e?.code === 'HttpError' && e.data?.statusCode === 403) return new WriteRefusedError(server);
  if (e?.name === 'TypeError' && /fetch|network/i.test(e.message ?? '')) {
    return new ServerUnreachableError(server, { cause: error });
  }
  return error;
}
