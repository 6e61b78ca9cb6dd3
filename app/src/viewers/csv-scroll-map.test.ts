import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_SPACER_PX,
  maxOffset,
  maxScrollTop,
  offsetAfterKey,
  rowTop,
  type ScrollGeometry,
  spacerHeight,
  toOffset,
  toScrollTop,
  visibleRows,
} from './csv-scroll-map.ts';

const huge: ScrollGeometry = { rowCount: 2_000_000, rowHeight: 24, viewport: 600 };
const small: ScrollGeometry = { rowCount: 1000, rowHeight: 24, viewport: 600 };

describe('CSV scroll mapping', () => {
  it('keeps the spacer under the browser cap for 2 M rows (48 M px of rows)', () => {
    expect(spacerHeight(huge)).toBe(MAX_SPACER_PX);
    expect(spacerHeight(huge)).toBeLessThan(33_554_400);
    expect(spacerHeight({ ...huge, rowCount: 1e9 })).toBe(MAX_SPACER_PX);
  });

  it('is the identity below the cap', () => {
    expect(spacerHeight(small)).toBe(24_000);
    for (const top of [0, 1, 500, 23_400]) expect(toOffset(small, top)).toBe(top);
    expect(toScrollTop(small, 1234)).toBe(1234);
  });

  it('shows row 0 at the top and exactly the last row at the bottom', () => {
    const top = visibleRows(huge, toOffset(huge, 0));
    expect(top.first).toBe(0);
    expect(rowTop(huge, 0, toOffset(huge, 0))).toBe(0);

    const bottom = toOffset(huge, maxScrollTop(huge));
    expect(bottom).toBe(maxOffset(huge));
    const rows = visibleRows(huge, bottom);
    expect(rows.end).toBe(2_000_000);
    // The last row's bottom edge is the viewport's bottom edge.
    expect(rowTop(huge, 1_999_999, bottom) + 24).toBe(600);
    // Scrolling past the end (browsers overshoot on some devices) still shows the end.
    expect(toOffset(huge, maxScrollTop(huge) + 50)).toBe(maxOffset(huge));
  });

  it('reaches the last row by keyboard (End) and walks back one row with ArrowUp', () => {
    const end = offsetAfterKey(huge, 0, 'End') as number;
    expect(visibleRows(huge, end).end).toBe(huge.rowCount);
    const up = offsetAfterKey(huge, end, 'ArrowUp') as number;
    expect(end - up).toBe(24);
    expect(offsetAfterKey(huge, 0, 'ArrowUp')).toBe(0);
    expect(offsetAfterKey(huge, 0, 'PageDown')).toBe(24 * 24);
    expect(offsetAfterKey(huge, end, 'Home')).toBe(0);
    expect(offsetAfterKey(huge, 0, 'ArrowLeft')).toBeNull();
  });

  it('handles an empty table and a table shorter than the viewport', () => {
    const empty = { ...small, rowCount: 0 };
    expect(spacerHeight(empty)).toBe(0);
    expect(toOffset(empty, 100)).toBe(0);
    expect(visibleRows(empty, 0)).toEqual({ first: 0, end: 0 });
    const short = { ...small, rowCount: 3 };
    expect(visibleRows(short, toOffset(short, 999))).toEqual({ first: 0, end: 3 });
  });

  it('property: monotonic, within bounds, round-trips, and every row is reachable', () => {
    const geometry = fc.record({
      rowCount: fc.integer({ min: 1, max: 50_000_000 }),
      rowHeight: fc.integer({ min: 1, max: 80 }),
      viewport: fc.integer({ min: 1, max: 3000 }),
      maxSpacer: fc.integer({ min: 1000, max: MAX_SPACER_PX }),
    });
    fc.assert(
      fc.property(
        geometry,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (g, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const ms = maxScrollTop(g);
          const oLo = toOffset(g, lo * ms);
          const oHi = toOffset(g, hi * ms);
          expect(oLo).toBeLessThanOrEqual(oHi);
          expect(oLo).toBeGreaterThanOrEqual(0);
          expect(oHi).toBeLessThanOrEqual(maxOffset(g));
          expect(spacerHeight(g)).toBeLessThanOrEqual(Math.max(g.maxSpacer, 2 * g.viewport));
          // Round trip, within floating-point noise of the content height.
          expect(Math.abs(toOffset(g, toScrollTop(g, oLo)) - oLo)).toBeLessThanOrEqual(1e-6 * (1 + maxOffset(g)));
          // Any row: the offset that puts it at the top (clamped) draws it.
          const row = Math.floor(a * (g.rowCount - 1));
          const shown = visibleRows(g, toOffset(g, toScrollTop(g, row * g.rowHeight)));
          expect(shown.first).toBeLessThanOrEqual(row);
          expect(shown.end).toBeGreaterThan(row);
          // The bottom of the scroll bar draws the last row.
          expect(visibleRows(g, toOffset(g, ms)).end).toBe(g.rowCount);
        },
      ),
    );
  });
});
