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

  it('draws nothing for an empty graph', () => {
    expect(drawAsciiDag({ nodes: [], edges: [] })).toBe('');
  });
});
