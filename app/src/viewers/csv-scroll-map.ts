/**
 * Where the CSV table is scrolled to, for any number of rows. Browsers cap an element's height
 * (about 33.5 M px in Chromium, less in Firefox), so a spacer of `rows × rowHeight` stops
 * growing past ≈1.4 M rows of 24 px and the last rows become unreachable. The table therefore
 * keeps a spacer of at most `maxSpacer` px and maps the scroll bar's position onto the real
 * content linearly: the top of the bar is row 0, the bottom of the bar shows the last row
 * exactly, and everything between moves monotonically. Below the cap the mapping is the
 * identity. Keyboard and wheel moves work in content pixels (`offset`) and are turned back
 * into a scroll position with `toScrollTop`, so one arrow press is one row at any scale.
 */

/** Comfortably below every browser's element-height cap (Firefox ≈17.9 M px). */
export const MAX_SPACER_PX = 15_000_000;

export interface ScrollGeometry {
  rowCount: number;
  rowHeight: number;
  /** Height in px of the area the rows are drawn in (the scroller minus its sticky header). */
  viewport: number;
  /** Largest spacer allowed; MAX_SPACER_PX unless a test wants a small one. */
  maxSpacer?: number;
}

/** Height of all rows laid end to end: the content the scroll bar stands for. */
export function contentHeight(g: ScrollGeometry): number {
  return Math.max(0, g.rowCount) * g.rowHeight;
}

/**
 * Height of the spacer element that gives the scroller its scroll range. It never shrinks to
 * the viewport (which would leave nothing to scroll) however small the cap.
 */
export function spacerHeight(g: ScrollGeometry): number {
  return Math.min(contentHeight(g), Math.max(g.maxSpacer ?? MAX_SPACER_PX, 2 * g.viewport));
}

/** Largest content offset: the last row's bottom edge sits at the bottom of the viewport. */
export function maxOffset(g: ScrollGeometry): number {
  return Math.max(0, contentHeight(g) - g.viewport);
}

/** Largest scrollTop the spacer allows. */
export function maxScrollTop(g: ScrollGeometry): number {
  return Math.max(0, spacerHeight(g) - g.viewport);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Content offset (px from the top of row 0) shown at scroll position `scrollTop`. */
export function toOffset(g: ScrollGeometry, scrollTop: number): number {
  const maxScroll = maxScrollTop(g);
  const top = clamp(scrollTop, 0, maxScroll);
  if (maxScroll === 0) return 0;
  if (top === maxScroll) return maxOffset(g); // exact at the bottom, whatever the rounding
  return (top / maxScroll) * maxOffset(g);
}

/** Scroll position that shows content offset `offset` (inverse of toOffset). */
export function toScrollTop(g: ScrollGeometry, offset: number): number {
  const max = maxOffset(g);
  const off = clamp(offset, 0, max);
  if (max === 0) return 0;
  if (off === max) return maxScrollTop(g);
  return (off / max) * maxScrollTop(g);
}

/** Clamps a content offset to what can be shown. */
export function clampOffset(g: ScrollGeometry, offset: number): number {
  return clamp(offset, 0, maxOffset(g));
}

export interface VisibleRows {
  /** First row index to draw (inclusive). */
  first: number;
  /** Last row index to draw (exclusive). */
  end: number;
}

/** Rows that intersect the viewport at `offset`, widened by `overscan` rows on each side. */
export function visibleRows(g: ScrollGeometry, offset: number, overscan = 0): VisibleRows {
  if (g.rowCount <= 0) return { first: 0, end: 0 };
  const off = clampOffset(g, offset);
  const first = Math.floor(off / g.rowHeight);
  const end = Math.ceil((off + g.viewport) / g.rowHeight);
  return { first: Math.max(0, first - overscan), end: Math.min(g.rowCount, Math.max(end, first + 1) + overscan) };
}

/** Top edge of row `index` relative to the top of the viewport, at content offset `offset`. */
export function rowTop(g: ScrollGeometry, index: number, offset: number): number {
  return index * g.rowHeight - clampOffset(g, offset);
}

/** Content offset after a keyboard press, or null for keys the table leaves to the browser. */
export function offsetAfterKey(g: ScrollGeometry, offset: number, key: string): number | null {
  const page = Math.max(1, Math.floor(g.viewport / g.rowHeight) - 1) * g.rowHeight;
  switch (key) {
    case 'ArrowDown':
      return clampOffset(g, offset + g.rowHeight);
    case 'ArrowUp':
      return clampOffset(g, offset - g.rowHeight);
    case 'PageDown':
    case ' ':
      return clampOffset(g, offset + page);
    case 'PageUp':
      return clampOffset(g, offset - page);
    case 'Home':
      return 0;
    case 'End':
      return maxOffset(g);
    default:
      return null;
  }
}
