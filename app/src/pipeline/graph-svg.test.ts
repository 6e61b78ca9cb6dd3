import { describe, expect, it } from 'vitest';
import { graphSvg } from './graph-svg.ts';

describe('graphSvg', () => {
  it('draws each node as a box with its label and each edge through its bends, escaped', () => {
    const svg = graphSvg(
      [
        { x: 0, y: 0, w: 100, h: 30, label: 'prepare', fill: '#ddf4ff', stroke: '#0969da', dashed: false },
        { x: 0, y: 100, w: 120, h: 30, label: 'a<b & "c"', fill: '#fff', stroke: '#d1242f', dashed: true },
      ],
      [
        {
          points: [
            { x: 0, y: 15 },
            { x: 40, y: 50 },
            { x: 0, y: 85 },
          ],
          color: '#59636e',
        },
      ],
      { bg: '#ffffff', fg: '#1f2328' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="-84 -39 168 178"')).toBe(true);
    expect(svg).toContain('>prepare</text>');
    expect(svg).toContain('>a&lt;b &amp; &quot;c&quot;</text>');
    expect(svg).toContain('<path d="M0 15 L40 50 L0 85"');
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg.match(/<rect /g)).toHaveLength(3);
    // It parses as XML.
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });
});
