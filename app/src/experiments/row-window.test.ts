/**
 * The compare table's row window (row-window.ts): the rows drawn cover every row in view (the sticky header's
 * height taken off the top), never run past the rows there are, and hold only a screen's worth
 * plus the overscan however long the table is.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepsWindow, rowWindow } from './row-window.ts';

describe('rowWindow', () => {
  it('draws the first screen at the top, the last at the bottom', () => {
    expect(rowWindow(0, 400, 26, 26, 100, 6)).toEqual({ first: 0, last: 21 });
    // Scrolled to the end: a 400 px box over 100 rows of 26 px under a 26 px header.
    const end = 26 + 100 * 26 - 400;
    expect(rowWindow(end, 400, 26, 26, 100, 6)).toEqual({ first: 79, last: 100 });
    expect(rowWindow(0, 400, 26, 26, 0)).toEqual({ first: 0, last: 0 });
  });

  it('covers every row in view, and no more than the view and overscan (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 10, max: 60 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 10 }),
        (count, viewport, head, row, scrollFrac, overscan) => {
          const max = Math.max(0, head + count * row - viewport);
          const scrollTop = Math.round((max * scrollFrac) / 400);
          const { first, last } = rowWindow(scrollTop, viewport, head, row, count, overscan);
          expect(0 <= first && first <= last && last <= count).toBe(true);
          // Every body row with any pixel inside the box (below the header) is drawn.
          for (let i = 0; i < count; i++) {
            const top = head + i * row - scrollTop;
            const visible = top + row > head && top < viewport;
            if (visible) expect(i >= first && i < last, `row ${i}`).toBe(true);
          }
          expect(last - first).toBeLessThanOrEqual(Math.ceil(viewport / row) + 2 + 2 * overscan);
        },
      ),
    );
  });
});

describe('keepsWindow', () => {
  it('keeps the drawn rows when the view measures a little smaller than its guess', () => {
    // The compare table guesses a 400 px box (21 rows drawn); it measures 384 px (20 wanted).
    const drawn = rowWindow(0, 400, 26, 26, 100, 6);
    const wanted = rowWindow(0, 384, 26, 26, 100, 6);
    expect(wanted).not.toEqual(drawn);
    expect(keepsWindow(drawn, wanted, 100, 6)).toBe(true);
  });

  it('draws again when a scroll moves the view past them, or the view is far smaller', () => {
    const drawn = rowWindow(0, 400, 26, 26, 100, 6);
    expect(keepsWindow(drawn, rowWindow(26, 400, 26, 26, 100, 6), 100, 6)).toBe(false);
    // A phone's box: 4 rows in view, not 21 kept.
    expect(keepsWindow(drawn, rowWindow(0, 120, 26, 26, 100, 6), 100, 6)).toBe(false);
  });

  it('draws again when the rows are fewer than those drawn', () => {
    const drawn = rowWindow(0, 400, 26, 26, 100, 6);
    expect(keepsWindow(drawn, rowWindow(0, 400, 26, 26, 18, 6), 18, 6)).toBe(false);
  });

  it('whatever it keeps holds every row wanted, none past the end, within the slack (fast-check)', () => {
    const win = fc
      .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }))
      .map(([a, b]) => ({ first: Math.min(a, b), last: Math.max(a, b) }));
    fc.assert(
      fc.property(
        win,
        win,
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 10 }),
        (drawn, w, count, slack) => {
          const wanted = { first: Math.min(w.first, count), last: Math.min(w.last, count) };
          if (!keepsWindow(drawn, wanted, count, slack)) return;
          expect(drawn.first <= wanted.first && wanted.last <= drawn.last && drawn.last <= count).toBe(true);
          expect(drawn.last - drawn.first - (wanted.last - wanted.first)).toBeLessThanOrEqual(slack);
        },
      ),
    );
  });
});
