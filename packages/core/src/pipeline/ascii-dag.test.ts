import { describe, expect, it } from 'vitest';
import { drawAsciiDag } from './ascii-dag.ts';

describe('drawAsciiDag', () => {
  it('draws boxes in layers joined by lines of *, as dvc dag does', () => {
    const text = drawAsciiDag({
      nodes: ['data.dvc', 'prepare', 'train', 'evaluate'],
      edges: [
        { from: 'data.dvc', to: 'prepare' },
        { from: 'prepare', to: 'train' },
        { from: 'prepare', to: 'evaluate' },
        { from: 'train', to: 'evaluate' },
      ],
    });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('| prepare |'))).toHaveLength(1);
    // Four layers of three lines with three lines of edges between them.
    expect(lines).toHaveLength(4 * 3 + 3 * 3);
    expect(lines[1]).toContain('| data.dvc |');
    expect(lines[19]).toContain('| evaluate |');
    expect(lines[3]?.trim()).toBe('*');
  });

  it('routes an edge that skips a layer beside the boxes in between, never behind them', () => {
    // prepare → evaluate skips the layer of train: its line must run outside train's box.
    const text = drawAsciiDag({
      nodes: ['prepare', 'train', 'evaluate'],
      edges: [
        { from: 'prepare', to: 'train' },
        { from: 'train', to: 'evaluate' },
        { from: 'prepare', to: 'evaluate' },
      ],
    });
    const lines = text.split('\n');
    const trainRow = lines.findIndex((l) => l.includes('| train |'));
    const box = lines[trainRow]!;
    const left = box.indexOf('|');
    const right = box.lastIndexOf('|');
    // The layer of train holds a `*` outside the box on each of its three rows.
    for (const row of [trainRow - 1, trainRow, trainRow + 1]) {
      const l = lines[row]!;
      const outside = [...l].some((ch, x) => ch === '*' && (x < left || x > right));
      expect(outside, `row ${row}: ${l}`).toBe(true);
    }
    // Every row between prepare and evaluate carries a line (the drawing is connected).
    const first = lines.findIndex((l) => l.includes('| prepare |'));
    const last = lines.findIndex((l) => l.includes('| evaluate |'));
    for (let r = first + 2; r < last - 1; r++)
      expect(lines[r]!.includes('*') || lines[r]!.includes('|'), `row ${r}`).toBe(true);
  });

  it('draws nothing for an empty graph', () => {
    expect(drawAsciiDag({ nodes: [], edges: [] })).toBe('');
  });
});
