/**
 * `Retry-After` as the sign-in form needs it: how long the server asked us to wait, and that
 * wait as a clock a person reads ("0:42"). Pure, for tests.
 */

/**
 * Seconds to wait from a `Retry-After` value: delta-seconds ("42") or an HTTP date; null when
 * absent or unreadable (RFC 9110 §10.2.3).
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** 42 → "0:42", 905 → "15:05", 3725 → "1:02:05". */
export function formatWait(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}
