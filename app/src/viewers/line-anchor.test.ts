import { describe, expect, it } from 'vitest';
import { clickLine, lineAnchor, parseLineAnchor } from './line-anchor.ts';

describe('line anchors', () => {
  it('reads GitHub-style anchors and refuses others', () => {
    expect(parseLineAnchor('#L7')).toEqual({ start: 7, end: 7 });
    expect(parseLineAnchor('#L12-L7')).toEqual({ start: 7, end: 12 });
    expect(parseLineAnchor('L3-5')).toEqual({ start: 3, end: 5 });
    for (const bad of ['', '#L0', '#Lx', '#readme', '#L1-', '#L1-Lx']) expect(parseLineAnchor(bad)).toBeNull();
  });
  it('writes them back and extends a selection with shift', () => {
    expect(lineAnchor({ start: 4, end: 4 })).toBe('#L4');
    expect(lineAnchor({ start: 4, end: 9 })).toBe('#L4-L9');
    expect(clickLine({ start: 5, end: 5 }, 2, true)).toEqual({ start: 2, end: 5 });
    expect(clickLine({ start: 5, end: 5 }, 2, false)).toEqual({ start: 2, end: 2 });
    expect(clickLine(null, 8, true)).toEqual({ start: 8, end: 8 });
  });
});
