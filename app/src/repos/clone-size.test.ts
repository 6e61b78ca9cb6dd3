/** The clone form's advice from a repository's history size: silent when small, offered when large, ticked past the cap. */
import { describe, expect, it } from 'vitest';
import { CLONE_LIMIT_BYTES } from '../git/http-limit.ts';
import { cloneAdvice, LATEST_ONLY_SUGGESTED_BYTES } from './clone-size.ts';

const MiB = 1024 * 1024;

describe('clone advice from the history size', () => {
  it('says nothing for a small history', () => {
    expect(cloneAdvice('demo/small', 40 * MiB)).toBeNull();
    expect(cloneAdvice('demo/small', LATEST_ONLY_SUGGESTED_BYTES - 1)).toBeNull();
  });

  it('offers "Latest only" for a large history, without ticking it', () => {
    const advice = cloneAdvice('demo/big', 700 * MiB);
    expect(advice?.latestOnly).toBe(false);
    expect(advice?.text).toBe(
      `demo/big's history is 700 MB. Tick "Latest only" to get its latest files now and fetch the history later from its History page.`,
    );
  });

  it('ticks "Latest only" past the cap, and says what else to do', () => {
    const advice = cloneAdvice('demo/huge', CLONE_LIMIT_BYTES + 300 * MiB);
    expect(advice?.latestOnly).toBe(true);
    expect(advice?.text).toContain(
      `demo/huge's history is 2.3 GB, more than a full clone in this tab can take (2.0 GB)`,
    );
    expect(advice?.text).toContain('clone it with git on a computer');
  });
});
