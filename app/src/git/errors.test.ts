import { describe, expect, it } from 'vitest';
import { AuthRequiredError, classifyGitError, WriteRefusedError } from './errors.ts';

/** isomorphic-git's HttpError, as a refused request of git's smart HTTP throws it. */
const httpError = (statusCode: number) =>
  Object.assign(new Error(`HTTP Error: ${statusCode}`), { code: 'HttpError', data: { statusCode } });

describe('classifyGitError', () => {
  it('asks to sign in for a 401: the server wants credentials', () => {
    expect(classifyGitError(httpError(401), 'http://s')).toBeInstanceOf(AuthRequiredError);
  });

  it('says the repository no longer takes changes for a 403: signed in, and refused', () => {
    const error = classifyGitError(httpError(403), 'http://s');
    expect(error).toBeInstanceOf(WriteRefusedError);
    expect((error as WriteRefusedError).code).toBe('write_refused');
    expect((error as Error).message).toContain('no longer write to it');
  });

  it('leaves a 404 as it is, for the sync to decide (server-presence.ts)', () => {
    const error = httpError(404);
    expect(classifyGitError(error, 'http://s')).toBe(error);
  });
});
