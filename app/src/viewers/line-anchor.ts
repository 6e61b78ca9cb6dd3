/** GitHub's line anchors: `#L7` one line, `#L7-L12` a range (either order). */
export interface LineRange {
  start: number;
  end: number;
}

export function parseLineAnchor(hash: string): LineRange | null {
  const m = /^#?L(\d{1,9})(?:-L?(\d{1,9}))?$/.exec(hash);
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] ? Number(m[2]) : a;
  if (a < 1 || b < 1) return null;
  return { start: Math.min(a, b), end: Math.max(a, b) };
}

export function lineAnchor(range: LineRange): string {
  return range.start === range.end ? `#L${range.start}` : `#L${range.start}-L${range.end}`;
}

/** The anchor after clicking line `n`: shift-click extends the current selection into a range. */
export function clickLine(current: LineRange | null, n: number, extend: boolean): LineRange {
  if (!extend || !current) return { start: n, end: n };
  return { start: Math.min(current.start, n), end: Math.max(current.start, n) };
}
