import { describe, expect, it } from 'vitest';
import { comparePair } from './compare-pair.ts';

describe('the comparison two picked commits make', () => {
  const newestFirst = ['c3', 'c2', 'c1'];
  it('needs two different commits', () => {
    expect(comparePair({ base: null, head: 'c1' }, newestFirst)).toBeNull();
    expect(comparePair({ base: 'c2', head: 'c2' }, newestFirst)).toBeNull();
  });
  it('takes the older commit as base whichever column it was picked in', () => {
    expect(comparePair({ base: 'c1', head: 'c3' }, newestFirst)).toEqual({ base: 'c1', head: 'c3' });
    expect(comparePair({ base: 'c3', head: 'c1' }, newestFirst)).toEqual({ base: 'c1', head: 'c3' });
  });
  it('keeps the columns for a commit not in the listed page', () => {
    expect(comparePair({ base: 'c9', head: 'c1' }, newestFirst)).toEqual({ base: 'c9', head: 'c1' });
  });
});
