/**
 * Commit dates as a reader wants them: relative when recent ("3 hours ago"), a calendar date
 * otherwise; the exact time in the tooltip.
 */

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** `timestamp` in seconds (git's unit); `now` in milliseconds. */
export function relativeDate(timestamp: number, now = Date.now()): string {
  const seconds = Math.round(timestamp - now / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return 'just now';
  if (abs > 30 * 24 * 3600) return new Date(timestamp * 1000).toISOString().slice(0, 10);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (abs >= size) return format.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** The exact time with the author's own UTC offset, as `git log` prints it. */
export function exactDate(timestamp: number, timezoneOffset: number): string {
  // isomorphic-git's offset is in minutes with JavaScript's sign (UTC+2 is -120).
  const minutes = -timezoneOffset;
  const local = new Date((timestamp + minutes * 60) * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const sign = minutes >= 0 ? '+' : '-';
  const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
  return `${local} ${sign}${hh}${mm}`;
}
