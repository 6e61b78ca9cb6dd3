/** Which rows of a long list of fixed-height rows are drawn (the rest are spacers). */

/** Rows drawn beyond those in view, above and below (a fast scroll shows no blank rows). */
const OVERSCAN = 6;

/**
 * The rows to draw, first (inclusive) to last (exclusive), of a table scrolled `scrollTop` px
 * into a box `viewportPx` high, under a sticky header `headPx` high: the box shows the content
 * from scrollTop + headPx to scrollTop + viewportPx, and body row i lies at headPx + i × rowPx.
 * With `overscan` more each way.
 */
export function rowWindow(
  scrollTop: number,
  viewportPx: number,
  headPx: number,
  rowPx: number,
  count: number,
  overscan = OVERSCAN,
): { first: number; last: number } {
  const first = Math.max(0, Math.min(count, Math.floor(scrollTop / rowPx) - overscan));
  const last = Math.max(first, Math.min(count, Math.ceil((scrollTop + viewportPx - headPx) / rowPx) + overscan));
  return { first, last };
}

/**
 * Whether the rows drawn (`drawn`) can stay where `wanted` would be drawn: they hold every row of
 * it, hold at most `slack` rows more, and none past `count`. A table keeps them then, so a view
 * measured a little smaller than its guess does not redraw its cells (on the compare page that
 * redraw was a second layout of the whole page in the frame that first shows it).
 */
export function keepsWindow(
  drawn: { first: number; last: number },
  wanted: { first: number; last: number },
  count: number,
  slack: number,
): boolean {
  return (
    drawn.first <= wanted.first &&
    drawn.last >= wanted.last &&
    drawn.last <= count &&
    drawn.last - drawn.first - (wanted.last - wanted.first) <= slack
  );
}
