import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GridEdge, type GridNode, layeredGridLayout } from './layered-grid-layout.ts';

const box = (id: string, w = 100): GridNode => ({ id, w, h: 30 });

/** Two boxes overlap when their centres are closer than half their sizes on both axes. */
function overlaps(a: { x: number; y: number }, b: { x: number; y: number }, na: GridNode, nb: GridNode): boolean {
  return Math.abs(a.x - b.x) < (na.w + nb.w) / 2 && Math.abs(a.y - b.y) < (na.h + nb.h) / 2;
}

describe('layered grid layout (large pipelines)', () => {
  it('puts every parent above its children, in layers by longest path', () => {
    const nodes = ['prepare', 'train', 'evaluate', 'report'].map((id) => box(id));
    const edges: GridEdge[] = [
      { source: 'prepare', target: 'train' },
      { source: 'train', target: 'evaluate' },
      { source: 'prepare', target: 'evaluate' },
      { source: 'evaluate', target: 'report' },
    ];
    const { positions, layers } = layeredGridLayout(nodes, edges);
    expect(layers).toEqual([['prepare'], ['train'], ['evaluate'], ['report']]);
    for (const e of edges) expect(positions[e.source]!.y).toBeLessThan(positions[e.target]!.y);
  });

  it('wraps a 5,000-wide matrix layer into a block of rows, no box over another', () => {
    const members = Array.from({ length: 5000 }, (_, i) => box(`train@${i}`, 60 + (i % 7) * 20));
    const nodes = [box('prepare'), ...members, box('report')];
    const edges = members.flatMap((m) => [
      { source: 'prepare', target: m.id },
      { source: m.id, target: 'report' },
    ]);
    const { positions } = layeredGridLayout(nodes, edges);
    const xs = members.map((m) => positions[m.id]!.x);
    const ys = members.map((m) => positions[m.id]!.y);
    const width = Math.max(...xs) - Math.min(...xs);
    const height = Math.max(...ys) - Math.min(...ys);
    // Roughly square rather than one line: within a factor of 4 either way.
    expect(width / height).toBeLessThan(4);
    expect(width / height).toBeGreaterThan(0.25);
    expect(positions.prepare!.y).toBeLessThan(Math.min(...ys));
    expect(positions.report!.y).toBeGreaterThan(Math.max(...ys));
    // Rows in order: no two members overlap (checked against their row neighbours, sorted).
    const byRow = new Map<number, GridNode[]>();
    for (const m of members) {
      const y = positions[m.id]!.y;
      byRow.set(y, byRow.get(y) ?? []);
      byRow.get(y)!.push(m);
    }
    for (const row of byRow.values()) {
      row.sort((a, b) => positions[a.id]!.x - positions[b.id]!.x);
      for (let i = 1; i < row.length; i++) {
        expect(overlaps(positions[row[i - 1]!.id]!, positions[row[i]!.id]!, row[i - 1]!, row[i]!)).toBe(false);
      }
    }
  });

  it('places a child under its parents: two chains stay side by side', () => {
    const nodes = ['a1', 'b1', 'b2', 'a2'].map((id) => box(id));
    const { layers } = layeredGridLayout(nodes, [
      { source: 'a1', target: 'a2' },
      { source: 'b1', target: 'b2' },
    ]);
    expect(layers).toEqual([
      ['a1', 'b1'],
      ['a2', 'b2'],
    ]);
  });

  it('lays out any graph: every node placed once, no overlaps, edges of a DAG pointing down', () => {
    const graph = fc
      .integer({ min: 1, max: 40 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 80 }),
          fc.array(fc.integer({ min: 20, max: 300 }), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(graph, ([n, pairs, widths]) => {
        const nodes = widths.map((w, i) => box(`n${i}`, w));
        // Edges from lower to higher index only: a DAG, as a pipeline is.
        const edges = pairs.filter(([a, b]) => a < b).map(([a, b]) => ({ source: `n${a}`, target: `n${b}` }));
        const { positions, layers } = layeredGridLayout(nodes, edges, { maxRowWidth: 500 });
        expect(layers.flat().sort()).toEqual(nodes.map((x) => x.id).sort());
        for (const e of edges) expect(positions[e.source]!.y).toBeLessThan(positions[e.target]!.y);
        let overlapping = 0;
        for (let i = 0; i < n; i++)
          for (let j = i + 1; j < n; j++)
            if (overlaps(positions[`n${i}`]!, positions[`n${j}`]!, nodes[i]!, nodes[j]!)) overlapping++;
        expect(overlapping).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('still places every node of a cycle (not a pipeline, but never a crash)', () => {
    const { positions } = layeredGridLayout(
      [box('a'), box('b'), box('c')],
      [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
        { source: 'c', target: 'b' },
      ],
    );
    expect(Object.keys(positions).sort()).toEqual(['a', 'b', 'c']);
  });
});
