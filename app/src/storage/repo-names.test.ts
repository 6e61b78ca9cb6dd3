import { describe, expect, it } from 'vitest';
import { InvalidRepoNameError } from './errors.ts';
import { assertRepoName, isValidRepoName } from './repo-names.ts';

describe('repository names in the app', () => {
  // Issue 18: the app accepted these, which the server refuses, so a repository made offline
  // under such a name could never be pushed.
  it.each(['-x', '_x', 'a..b', 'x.'])('refuses %j, as the server does', (name) => {
    expect(isValidRepoName(name)).toBe(false);
    expect(() => assertRepoName(name)).toThrow(InvalidRepoNameError);
  });

  it('accepts what the server accepts', () => {
    for (const name of ['demo', 'segmentation', 'v1.2', 'a_b-c']) expect(() => assertRepoName(name)).not.toThrow();
  });
});
