import { describe, expect, it } from 'vitest';
import { exactDate, relativeDate } from './format-date.ts';

describe('commit dates', () => {
  const now = 1_700_000_000_000;
  it('is relative when recent and a date otherwise', () => {
    expect(relativeDate(now / 1000 - 10, now)).toBe('just now');
    expect(relativeDate(now / 1000 - 3 * 3600, now)).toBe('3 hours ago');
    expect(relativeDate(now / 1000 - 86400, now)).toBe('yesterday');
    expect(relativeDate(now / 1000 - 90 * 86400, now)).toBe('2023-08-16');
  });
  it('prints the exact time in the author’s zone', () => {
    expect(exactDate(1_700_000_000, -120)).toBe('2023-11-15 00:13:20 +0200');
    expect(exactDate(1_700_000_000, 300)).toBe('2023-11-14 17:13:20 -0500');
  });
});
