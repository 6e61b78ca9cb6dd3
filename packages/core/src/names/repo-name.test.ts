import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidRepoName } from './repo-name.ts';

describe('repository names', () => {
  it.each(['demo', 'segmentation', 'a', 'A-b_c.d', 'x'.repeat(100), 'v1.2', 'a_', 'a-'])('accepts %s', (name) => {
    expect(isValidRepoName(name)).toBe(true);
  });

  it.each([
    '',
    '-x',
    '_x',
    '.x',
    'x.',
    'a..b',
    'x'.repeat(101),
    'r.git',
    'r.DVC',
    'r.mlflow',
    'a/b',
    'a b',
    'é',
    '..',
    '%2e',
  ])('refuses %j', (name) => {
    expect(isValidRepoName(name)).toBe(false);
  });

  it('never accepts a name that could be read as a path part', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (name) => {
        if (isValidRepoName(name)) {
          expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
          expect(name.includes('..') || name.endsWith('.') || name.length > 100).toBe(false);
        }
      }),
    );
  });
});
