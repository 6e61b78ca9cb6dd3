/**
 * Notebook diffs against nbdime's own test pairs (test/fixtures/notebooks, MANIFEST.md gives
 * nbdime's expected outcome for each pair).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotebookDiffError } from './notebook-cells.ts';
import { diffNotebooks } from './notebook-diff.ts';

const files = import.meta.glob('../../../../test/fixtures/notebooks/*.{ipynb,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

function fixture(name: string): string {
  const text = Object.entries(files).find(([k]) => k.endsWith(`/notebooks/${name}`))?.[1];
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return text;
}

const pair = (a: string, b: string) => diffNotebooks(fixture(`${a}.ipynb`), fixture(`${b}.ipynb`));
/** kind (+ moved) of each cell, as a reader scans the diff. */
const kinds = (d: ReturnType<typeof diffNotebooks>) => d.cells.map((c) => (c.moved ? `${c.kind}/moved` : c.kind));
const changedParts = (c: ReturnType<typeof diffNotebooks>['cells'][number]) =>
  Object.entries(c.changes)
    .filter(([, v]) => v)
    .map(([k]) => k);

describe('notebook diff on nbdime test pairs', () => {
  it('single_cell_nb: each variant changes only what its name says', () => {
    const expected: Record<string, string[]> = {
      changed_source: ['source'],
      changed_output: ['outputs'],
      changed_metadata: ['metadata'],
      changed_ec: ['executionCount'],
      changed_source_output_ec: ['source', 'outputs', 'executionCount'],
    };
    for (const [variant, parts] of Object.entries(expected)) {
      const d = pair('single_cell_nb', `single_cell_nb--${variant}`);
      const modified = d.cells.filter((c) => c.kind === 'modified');
      expect(modified.length, variant).toBe(1);
      expect(changedParts(modified[0]!), variant).toEqual(parts);
      expect(
        d.cells.filter((c) => c.kind === 'added' || c.kind === 'removed'),
        variant,
      ).toEqual([]);
    }
  });

  it('multilevel: cell 1 source "3" → "5" and cell 2 output "9" → "25", as nbdime expects', () => {
    const d = pair('multilevel-test-base', 'multilevel-test-local');
    const [cellsPatch] = JSON.parse(fixture('multilevel-test-base-local-diff.json')) as {
      key: string;
      diff: { key: number }[];
    }[];
    expect(cellsPatch?.key).toBe('cells');
    const expected = cellsPatch?.diff ?? [];
    const modified = d.cells.filter((c) => c.kind === 'modified');
    expect(modified.map((c) => c.base)).toEqual(expected.map((e) => e.key));
    expect(changedParts(modified[0]!)).toEqual(['source']);
    expect(modified[0]!.sourceDiff.rows.filter((r) => r.kind === 'add').map((r) => r.text)).toEqual(['x = 5']);
    expect(changedParts(modified[1]!)).toEqual(['outputs']);
    expect(modified[1]!.outputsDiff?.rows.filter((r) => r.kind === 'add').map((r) => r.text)).toEqual(['25']);
    expect(kinds(d).filter((k) => k !== 'unchanged' && k !== 'modified')).toEqual([]);
  });

  it('multi_cell_nb: cells added and removed around the kept ones (c,c,c,c,m → c,c,m,c,c)', () => {
    const d = pair('multi_cell_nb', 'multi_cell_nb--cellchange');
    expect(d.matchedBy).toBe('content');
    expect(d.cells.map((c) => `${c.kind}:${c.type}`)).toEqual([
      'modified:code',
      'unchanged:code',
      'removed:code',
      'added:markdown',
      'added:code',
      'unchanged:code',
      'removed:markdown',
    ]);
  });

  it('apap: one markdown cell inserted before the existing code cell', () => {
    const d = pair('apap', 'apap--1');
    expect(kinds(d)).toEqual(['added', 'modified']);
    expect(d.cells[0]?.type).toBe('markdown');
  });

  it('error outputs, markdown-only edits, attachments and unicode sources are per-cell changes', () => {
    const errors = pair('error--1', 'error--2');
    expect(kinds(errors)).toEqual(['modified', 'modified']);
    expect(errors.cells[1]?.outputsDiff?.rows.some((r) => r.kind !== 'same' && r.text.includes('TypeError'))).toBe(
      true,
    );
    const md = pair('markdown-only--1', 'markdown-only--2');
    expect(
      md.cells.every((c) => c.kind === 'unchanged' || (c.kind === 'modified' && changedParts(c).join() === 'source')),
    ).toBe(true);
    expect(md.cells.some((c) => c.kind === 'modified')).toBe(true);
    const att = pair('attachment', 'attachment--change_attachment');
    expect(att.cells.map(changedParts)).toEqual([['attachments']]);
    const uni = pair('unicode--1', 'unicode--2');
    expect(uni.cells.some((c) => c.kind === 'modified' && c.changes.source)).toBe(true);
  });

  it('src-and-output: identical sources pair in order; their outputs differ, no cell added or removed', () => {
    const d = pair('src-and-output--1', 'src-and-output--2');
    expect(d.cells.filter((c) => c.kind === 'added' || c.kind === 'removed')).toEqual([]);
    expect(d.cells.filter((c) => c.kind === 'modified').every((c) => c.changes.outputs && !c.changes.source)).toBe(
      true,
    );
  });

  it('cellids: persistent ids pair cells by id; cells with different ids are not the same cell', () => {
    const d = pair('cellids--base', 'cellids--local');
    expect(d.matchedBy).toBe('id');
    const modified = d.cells.filter((c) => c.kind === 'modified');
    // As in the multilevel pair: "x = 3" → "x = 5", and f(x)'s output 9 → 25.
    expect(modified.map((c) => [c.after?.id, changedParts(c).join()])).toEqual([
      ['c2c4a8f2', 'source'],
      ['0c3a036c', 'outputs'],
    ]);
    expect(d.cells.filter((c) => c.kind === 'removed').map((c) => c.before?.id ?? null)).toEqual([
      null,
      'base-A',
      '226e9ff8',
    ]);
    expect(d.cells.filter((c) => c.kind === 'added').map((c) => c.after?.id)).toEqual([
      'bfe12f52',
      'local-A',
      '226e3ff8',
    ]);
  });

  it('regenerated ids (papermill): cells are paired by content, one changed cell', () => {
    const base = JSON.parse(fixture('cellids--base.ipynb'));
    const rerun = structuredClone(base);
    rerun.cells.forEach((c: { id?: string }, i: number) => {
      c.id = `papermill-${i}`;
    });
    rerun.cells[1].source = ['x = 4'];
    const d = diffNotebooks(JSON.stringify(base), JSON.stringify(rerun));
    expect(d.matchedBy).toBe('content');
    expect(kinds(d)).toEqual([
      'unchanged',
      'modified',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('a moved cell with a persistent id is shown once, as moved', () => {
    const nb = (order: string[]) =>
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: order.map((id) => ({
          cell_type: 'code',
          id,
          metadata: {},
          source: `cell ${id}`,
          outputs: [],
          execution_count: null,
        })),
      });
    const d = diffNotebooks(nb(['a', 'b', 'c', 'd']), nb(['b', 'c', 'a', 'd']));
    expect(d.cells.map((c) => `${c.after?.id}:${c.moved}`)).toEqual(['b:false', 'c:false', 'a:true', 'd:false']);
  });

  it('everything is added against an empty notebook', () => {
    const d = pair('empty', 'multi_cell_nb');
    expect(kinds(d)).toEqual(['added', 'added', 'added', 'added', 'added']);
  });

  it('not-JSON and nbformat 3 are typed errors, never a crash (fuzz)', () => {
    expect(() => diffNotebooks('{nope', fixture('empty.ipynb'))).toThrow(NotebookDiffError);
    expect(() => diffNotebooks(JSON.stringify({ nbformat: 3, worksheets: [] }), fixture('empty.ipynb'))).toThrow(
      /nbformat 3/,
    );
    const cell = fc.record({
      cell_type: fc.constantFrom('code', 'markdown', 'raw', 7),
      id: fc.option(fc.constantFrom('a', 'b', 'c')),
      source: fc.oneof(fc.string(), fc.array(fc.string())),
      outputs: fc.array(fc.anything(), { maxLength: 2 }),
    });
    const nb = fc.record({
      nbformat: fc.constant(4),
      cells: fc.array(fc.oneof(cell, fc.anything()), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(nb, nb, (a, b) => {
        const d = diffNotebooks(JSON.stringify(a), JSON.stringify(b));
        expect(d.cells.filter((c) => c.base !== null).length).toBe(a.cells.length);
        expect(d.cells.filter((c) => c.other !== null).length).toBe(b.cells.length);
      }),
    );
  });
});
