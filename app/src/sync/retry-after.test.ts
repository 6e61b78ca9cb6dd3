import { describe, expect, it } from 'vitest';
import { formatWait, parseRetryAfter } from './retry-after.ts';

describe('the wait after too many sign-in attempts', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('42')).toBe(42);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('shows the wait as a clock', () => {
    expect(formatWait(42)).toBe('0:42');
    expect(formatWait(5)).toBe('0:05');
    expect(formatWait(905)).toBe('15:05');
    expect(formatWait(3725)).toBe('1:02:05');
    expect(formatWait(0.2)).toBe('0:01');
    expect(formatWait(-3)).toBe('0:00');
  });
});
